import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LANGS } from '../../src/chat/command.ts';
import { translator } from '../../src/chat/i18n.ts';
import { TOPIC_IDS } from '../../src/explain/content.ts';
import { COMMAND_PREFIX } from '../../src/explain/payload.ts';
import { TELEGRAM_PROFILE } from '../../src/platforms/telegram/profile.ts';
import { CHOICE_LETTERS, decodeQuizPayload, encodeQuizPayload, loadQuiz, MAX_QUESTIONS, MIN_QUESTIONS, parseQuiz } from '../../src/explain/quiz.ts';
import { makeTestContext } from '../support/context.ts';
import { edited, payloadOf, press, run, textOf, userError, vi } from './explain-replies.ts';

// Button data is checked against the face with the tightest limit (Telegram: 64 bytes).
const MAX_CALLBACK_BYTES = TELEGRAM_PROFILE.limits.actionDataBytes!;

for (const topic of TOPIC_IDS) {
  test(`${topic}: a self-check of ${MIN_QUESTIONS}–${MAX_QUESTIONS} questions, the same in en and vi, short enough for a phone`, async () => {
    const quiz = loadQuiz(topic);
    assert.ok(quiz, `data/explain/quiz/${topic}.json exists`);
    for (const question of quiz.questions) {
      for (const lang of LANGS) {
        const local = question[lang];
        const shown = [local.question, ...local.choices, local.explain].join('\n');
        assert.ok(shown.length <= 900, `${lang}: ${shown.length} characters`);
        assert.ok(new Set(local.choices).size === local.choices.length, `${lang}: choices differ from each other`);
        assert.doesNotMatch(shown, /\{\{|<[a-z]/i, `${lang}: no placeholder or HTML`);
      }
      assert.equal(question.vi.choices.length, question.en.choices.length);
    }
  });
}

test('answers are spread over the letters, not always the same one', async () => {
  const answers = TOPIC_IDS.flatMap((topic) => loadQuiz(topic)?.questions.map((q) => q.answer) ?? []);
  for (const letter of ['a', 'b', 'c']) assert.ok(answers.filter((a) => a === letter).length >= 5, `answer ${letter}`);
});

test('a quiz file that breaks the format is refused, naming the file', async () => {
  const one = { answer: 'd', en: { question: 'Which one is it?', choices: ['x', 'y'], explain: 'Because it is.' }, vi: { question: 'Cái nào đây?', choices: ['x', 'y'], explain: 'Vì là như vậy.' } };
  assert.throws(() => parseQuiz(JSON.stringify({ questions: [one, one] }), 'quiz/x.json'), /quiz\/x\.json: .*answer is one of the choices/);
  assert.throws(() => parseQuiz(JSON.stringify({ questions: [{ ...one, answer: 'a' }] }), 'quiz/x.json'), /quiz\/x\.json/);
  const viShort = { ...one, answer: 'a', vi: { ...one.vi, choices: ['x'] } };
  assert.throws(() => parseQuiz(JSON.stringify({ questions: [viShort, viShort] }), 'quiz/x.json'), /quiz\/x\.json/);
});

test('quiz payloads round-trip and fit the callback limit for every topic', async () => {
  const payload = encodeQuizPayload({ topic: 'stops-and-warnings', question: 3, score: 2, choice: 'c' });
  assert.equal(payload, 'stops-and-warnings:q3.2:c');
  assert.deepEqual(decodeQuizPayload(payload), { topic: 'stops-and-warnings', question: 3, score: 2, choice: 'c' });
  assert.deepEqual(decodeQuizPayload('adl:q1.0'), { topic: 'adl', question: 1, score: 0 });
  for (const bad of ['adl:q1', 'adl:q1.0:e', 'adl:3', 'adl:q10.0']) assert.equal(decodeQuizPayload(bad), undefined, bad);
  for (const topic of TOPIC_IDS) {
    const longest = COMMAND_PREFIX + encodeQuizPayload({ topic, question: MAX_QUESTIONS, score: MAX_QUESTIONS, choice: 'd' });
    assert.ok(Buffer.byteLength(longest) <= MAX_CALLBACK_BYTES, longest);
  }
});

test('the last step offers the self-check and the next lesson; the quiz runs on buttons, right and wrong answers explained', async () => {
  const quiz = loadQuiz('liquidation')!;
  const first = await run({ topic: 'liquidation' });
  const lastStep = first.page!.count;
  const last = await run({ topic: 'liquidation', step: lastStep });
  assert.match(textOf(last), /Check yourself: 3 quick questions/);
  assert.match(textOf(last), /Next on the path: \*\*Mark price\*\* \(`npm run -s cli -- explain mark-price`\)/, 'in the face\'s own syntax (here the CLI)');
  const telegram = await run({ topic: 'liquidation', step: lastStep }, makeTestContext({ lang: 'en', platform: 'telegram' }));
  assert.match(textOf(telegram), /\(`\/explain mark-price`\)/);
  assert.match(textOf(telegram), /Check yourself: 3 quick questions \(button below, or `\/explain liquidation quiz=1`\)/);
  assert.equal(payloadOf(last, 'Next lesson ▶'), 'mark-price:1');

  let reply = edited(await press(payloadOf(last, '✓ Check yourself')));
  assert.equal(reply.title, 'Liquidation · Check yourself 1/3');
  assert.deepEqual(reply.actions?.slice(0, 3).map((a) => a.label), ['A', 'B', 'C']);
  let score = 0;
  for (const [i, question] of quiz.questions.entries()) {
    const wrong = CHOICE_LETTERS.find((letter, index) => index < question.en.choices.length && letter !== question.answer)!;
    const choice = i === 0 ? wrong : question.answer;
    const answered = edited(await press(payloadOf(reply, choice.toUpperCase())));
    const text = textOf(answered);
    assert.ok(text.includes(question.en.explain), 'the explanation is shown');
    if (choice === question.answer) {
      score += 1;
      assert.match(text, /✅ Right\./);
    } else {
      assert.match(text, new RegExp(`❌ Not quite: the answer is ${question.answer.toUpperCase()}\\.`));
    }
    reply = i < quiz.questions.length - 1 ? edited(await press(payloadOf(answered, 'Next question ▶'))) : answered;
  }
  assert.match(textOf(reply), new RegExp(`You answered ${score} of 3 right\\. Nothing is saved`));
  assert.equal(payloadOf(reply, 'Next lesson ▶'), 'mark-price:1');
  assert.equal(edited(await press(payloadOf(reply, '◀ Lesson'))).page?.index, lastStep);
  assert.equal(edited(await press(payloadOf(reply, '↺ Try again'))).title, 'Liquidation · Check yourself 1/3');
  for (const action of reply.actions ?? []) assert.ok(Buffer.byteLength(COMMAND_PREFIX + action.payload) <= MAX_CALLBACK_BYTES);
});

test('the self-check in Vietnamese, and by typing where there are no buttons', async () => {
  const reply = await run({ topic: 'funding', quiz: 1 }, vi);
  assert.equal(reply.title, 'Funding rate (phí funding) · Tự kiểm tra 1/2');
  assert.ok(textOf(reply).includes(loadQuiz('funding')!.questions[0].vi.question));
  const answered = await run({ topic: 'funding', quiz: 1, answer: 'a' }, vi);
  assert.match(textOf(answered), /✅ Đúng rồi\./);
  const data = answered.data as { right: boolean; correct: string; choices: string[] };
  assert.equal(data.right, true);
  assert.equal(data.correct, 'a');
  assert.equal(data.choices.length, 3);
  const wrong = await run({ topic: 'funding', quiz: 2, answer: 'a' });
  assert.match(textOf(wrong), /❌ Not quite: the answer is B\./);
});

test('a question or answer that does not exist is refused with the range, in both languages', async () => {
  const range = await userError(() => run({ topic: 'funding', quiz: 3 }));
  assert.equal(range.key, 'explain.error.quiz-range');
  assert.equal(translator('en')(range.key, range.params), 'The self-check of "funding" has questions 1 to 2; there is no question 3.');
  assert.match(translator('vi')(range.key, range.params), /có các câu từ 1 đến 2; không có câu 3/);
  const choice = await userError(() => run({ topic: 'funding', quiz: 1, answer: 'd' }));
  assert.equal(choice.key, 'explain.error.quiz-choice');
  assert.equal(translator('en')(choice.key, choice.params), 'This question has 3 choices; there is no D.');
  assert.equal((await userError(() => press('weather:q1.0'))).key, 'explain.error.unknown-topic');
});
