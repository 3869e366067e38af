import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { COMMANDS } from '../../commands/index.ts';
import { catalog } from '../../src/chat/i18n.ts';
import { contentDir } from '../../src/explain/content.ts';

/**
 * The Vietnamese terms we settled on stay settled (docs/vi-glossary.md is the table and says why).
 * Every Vietnamese string a user can see (message catalogs, lessons, quizzes, command and option
 * descriptions) is read; a form we avoid fails the test with the form we use instead. The
 * allow-lists are the few places where a venue's own name or the word a user types needs the
 * other form. en/vi placeholder parity is kept elsewhere: test/chat/i18n.test.ts (catalogs) and
 * test/explain/content-format.test.ts (lessons); quizzes have no placeholders.
 */

interface Avoided {
  /** What we do not write (matched on text with code, URLs and placeholders taken out). */
  avoid: RegExp;
  /** What we write instead: the failure message shows it. */
  use: string;
  /** `where` of the texts (see `viTexts`) allowed to keep the avoided form, each with its reason. */
  allow?: Readonly<Record<string, string>>;
}

const LETTER = '\\p{L}\\p{N}_';
/** The forms as whole words, any case (`Cưỡng bức` too). */
const words = (...forms: string[]) =>
  new RegExp(`(?<![${LETTER}])(${forms.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?![${LETTER}])`, 'giu');

/** The words a user types (`side` is `long` or `short`, the scenario is `2025-10-10`). */
const TYPED_BY_USER = 'the value a user types';

/** The list. Each entry has a row in docs/vi-glossary.md ("Forms we avoid"). */
const AVOIDED: readonly Avoided[] = [
  // Terms (docs/vi-glossary.md, "Terms")
  { avoid: words('vĩnh viễn'), use: '"vĩnh cửu" (hợp đồng vĩnh cửu)', allow: { 'i18n venues.display.bybit': "Bybit's own Vietnamese product name, \"USDT Vĩnh Viễn\"" } },
  { avoid: words('cưỡng bức'), use: '"bắt buộc" (thanh lý bắt buộc, lệnh đóng bắt buộc)' },
  { avoid: words('đang lời'), use: '"đang lãi"' },
  { avoid: words('cờ ADL'), use: '"Rủi ro ADL"' },
  { avoid: words('gỡ bỏ đòn bẩy', 'hủy đòn bẩy', 'tháo gỡ đòn bẩy'), use: '"tự động giảm đòn bẩy (ADL)", one name for ADL' },
  { avoid: words('hàng đợi'), use: '"hàng chờ" (hàng chờ ADL, as Binance\'s Vietnamese FAQ)' },
  { avoid: words('mức sàn', 'ngưỡng sàn'), use: '"ngưỡng vốn tối thiểu" for a vault\'s floor ("sàn" means exchange)' },
  { avoid: /xã hội hóa(?! khoản lỗ)/giu, use: '"xã hội hóa khoản lỗ" (socialized loss)' },
  { avoid: words('socialised'), use: '"xã hội hóa khoản lỗ"' },
  { avoid: words('lãi lỗ chưa thực hiện', 'lợi nhuận chưa thực hiện', 'lỗ chưa thực hiện', 'PnL chưa thực hiện', 'lãi lỗ đã thực hiện', 'PnL đã thực hiện', 'lỗ chưa xác thực'), use: '"chưa ghi nhận" / "đã ghi nhận" (PnL chưa ghi nhận, as Binance)' },
  { avoid: words('thanh lý backstop'), use: '"thanh lý dự phòng" (backstop liquidation, as the lessons)' },
  { avoid: words('tài sản ký quỹ'), use: '"tài sản thế chấp" (collateral, as the lessons)' },
  { avoid: words('bóp ngắn'), use: '"short squeeze" (cú ép Short)' },
  { avoid: words('mua dài hạn'), use: '"Long (mua)"' },
  { avoid: words('lãi suất mở'), use: '"Open Interest (OI)"' },
  { avoid: /(?<![\p{L}\p{N}_])open interest(?![\p{L}\p{N}_])/gu, use: '"Open Interest (OI)", capitalised' },
  { avoid: words('margin bảo trì', 'ký quỹ bảo trì'), use: '"ký quỹ duy trì"' },
  { avoid: words('ký quỹ riêng lẻ', 'ký quỹ toàn phần'), use: '"ký quỹ cô lập" / "ký quỹ chéo"' },
  { avoid: words('lãi suất tài trợ', 'tỷ lệ tài trợ', 'tỷ lệ cấp vốn', 'phí cấp vốn'), use: '"funding rate" / "phí funding"' },
  { avoid: words('kho bạc'), use: '"vault" ("kho bạc" is a treasury)' },
  { avoid: words('chia đều'), use: '"phân bổ theo tỷ lệ" (pro-rata is not an equal split)' },
  { avoid: words('nhà giao dịch'), use: '"trader"' },
  { avoid: words('endpoint'), use: '"API" (API thống kê, API nến giá đánh dấu)' },
  { avoid: words('trò chuyện riêng', 'tin nhắn riêng'), use: '"chat riêng"' },
  // The bot's voice: "tôi" to "bạn" (chat.json said "mình" while the rest said "tôi").
  { avoid: /(?<![\p{L}\p{N}_])(Mình(?![\p{L}\p{N}_])|(bên|giúp) mình(?![\p{L}\p{N}_])|mình (sẽ|đang|không|chưa|đã)(?![\p{L}\p{N}_]))/gu, use: '"tôi" (the bot speaks as "tôi")' },
  // Long and Short are written capitalised in prose; test/explain/content-format.test.ts checks that
  // each lesson glosses them once, "Long (mua)", "Short (bán)".
  {
    avoid: /(?<![\p{L}\p{N}_/-])(long|short)(?![\p{L}\p{N}_/-]| squeeze)/gu,
    use: '"Long" / "Short", capitalised ("short squeeze" stays as traders say it)',
    allow: {
      'i18n explain.option.side': TYPED_BY_USER,
      'i18n chat.terminal.not-command': TYPED_BY_USER,
      'i18n telegram.not-command': TYPED_BY_USER,
      'command liq side': TYPED_BY_USER,
      'command adl-rank side': TYPED_BY_USER,
      'command explain side': TYPED_BY_USER,
    },
  },
  // Spelling: the older tone placement, as everywhere else in the product (hóa, khóa, hủy, tùy).
  { avoid: /(?<![\p{L}\p{N}_])\p{L}*(oá|oà|oả|oã|oạ|oé|oè|oẻ|oẽ|oẹ|(?<![qQ])(uý|uỳ|uỷ|uỹ|uỵ))(?![\p{L}\p{N}_])/gu, use: 'the older tone placement: "hóa", "khóa", "xóa", "hủy", "tùy"' },
  // Numbers and dates (docs/vi-glossary.md, "Numbers and dates")
  { avoid: /(?<![\p{L}\p{N}_.,])\d+\.\d{1,2}(?![\d.,])/gu, use: 'a decimal comma: "0,5", "1,25%"' },
  { avoid: /\$\s?\d/gu, use: '"… USD" after the number: "122.000 USD"' },
  { avoid: /(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)/gu, use: 'dd/mm/yyyy: "10/10/2025"', allow: { 'i18n simulate.option-scenario': TYPED_BY_USER, 'i18n simulate.error-unknown-scenario': TYPED_BY_USER, 'command simulate scenario': TYPED_BY_USER } },
  { avoid: /(?<![\p{L}])(Jan|Feb|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|January|February|March|April|June|July|August|September|October|November|December)(?![\p{L}])/gu, use: '"tháng 10" or dd/mm/yyyy' },
];

interface ViText {
  /** `i18n <key>`, `data/explain/vi/<file>:<line>`, `quiz <topic> <n>`, `command <name>[ <option>]` */
  where: string;
  text: string;
}

/** Code spans and blocks, URLs, markdown link targets and placeholders are not prose. */
function prose(text: string): string {
  return text
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/`[^`]*`/g, ' ')
    .replace(/\]\([^)]*\)/g, ']')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\{\{?\w+\}?\}/g, ' ');
}

function lessonLines(): ViText[] {
  return readdirSync(contentDir('vi')).filter((f) => f.endsWith('.md')).sort().flatMap((file) => {
    const source = readFileSync(contentDir('vi', file), 'utf8');
    // Fenced blocks hold commands to type: blank their lines, keep the numbering.
    const lines = source.replace(/```[\s\S]*?```/g, (block) => block.replace(/[^\n]/g, ' ')).split('\n');
    return lines.map((text, i) => ({ where: `data/explain/vi/${file}:${i + 1}`, text }));
  });
}

function quizTexts(): ViText[] {
  return readdirSync(contentDir('quiz')).filter((f) => f.endsWith('.json')).sort().flatMap((file) => {
    const quiz = JSON.parse(readFileSync(contentDir('quiz', file), 'utf8')) as { questions: Array<{ vi: { question: string; choices: string[]; explain: string } }> };
    return quiz.questions.map((q, i) => ({ where: `quiz ${file.slice(0, -5)} ${i + 1}`, text: [q.vi.question, ...q.vi.choices, q.vi.explain].join('\n') }));
  });
}

function commandTexts(): ViText[] {
  return COMMANDS.flatMap((command) => [
    { where: `command ${command.name}`, text: command.description.vi },
    ...command.options.map((option) => ({ where: `command ${command.name} ${option.name}`, text: option.description.vi })),
  ]);
}

function viTexts(): ViText[] {
  return [
    ...[...catalog()].map(([key, value]) => ({ where: `i18n ${key}`, text: value.vi })),
    ...lessonLines(),
    ...quizTexts(),
    ...commandTexts(),
  ];
}

/** Every avoided form in `texts`, as `where: "found" → use …` lines. */
function findAvoided(texts: readonly ViText[], rules: readonly Avoided[] = AVOIDED): string[] {
  const found: string[] = [];
  for (const { where, text } of texts) {
    const readable = prose(text);
    for (const rule of rules) {
      if (rule.allow && (Object.hasOwn(rule.allow, where) || Object.hasOwn(rule.allow, where.replace(/:\d+$/, '')))) continue;
      for (const match of readable.matchAll(rule.avoid)) found.push(`${where}: "${match[0]}" → use ${rule.use}`);
    }
  }
  return found;
}

test('the Vietnamese we show uses the settled terms (docs/vi-glossary.md)', () => {
  const texts = viTexts();
  assert.ok(texts.length > 1500, `read ${texts.length} Vietnamese texts`);
  assert.deepEqual(findAvoided(texts), []);
});

test('every allow-list entry is still needed (an allowed place that no longer has the form is dropped from the list)', () => {
  const texts = viTexts();
  const stale: string[] = [];
  for (const rule of AVOIDED) {
    for (const where of Object.keys(rule.allow ?? {})) {
      const text = texts.filter((t) => t.where === where || t.where.replace(/:\d+$/, '') === where);
      assert.ok(text.length > 0, `allow-list names "${where}", which is not a Vietnamese text`);
      if (findAvoided(text, [{ ...rule, allow: undefined }]).length === 0) stale.push(`${where} (${rule.use})`);
    }
  }
  assert.deepEqual(stale, []);
});

test('Vietnamese text is NFC, so that the forms above match what a reader sees', () => {
  const decomposed = viTexts().filter((t) => t.text !== t.text.normalize('NFC')).map((t) => t.where);
  assert.deepEqual(decomposed, []);
});

test('the checks catch what they are meant to, and leave code, links and placeholders alone', () => {
  const caught = (text: string) => findAvoided([{ where: 'example', text }]).map((line) => line.split('"')[1]);
  assert.deepEqual(caught('Vị thế đang lời, lệnh đóng Cưỡng bức'), ['Cưỡng bức', 'đang lời']);
  assert.deepEqual(caught('vị thế long đang lãi, một cú short squeeze'), ['long']);
  assert.deepEqual(caught('Đã hoá giải, khóa và quỹ quý'), ['hoá']);
  assert.deepEqual(caught('giá 0.5% và 1.25x, còn 122.000 USD và 0,5%'), ['0.5', '1.25']);
  assert.deepEqual(caught('ngày 2025-10-10, $122k'), ['$1', '2025-10-10']);
  assert.deepEqual(caught('Mình không hiểu; bạn tự mình chọn'), ['Mình']);
  assert.deepEqual(caught('`/liq binance long 0.5` [hàng chờ](https://x.io/hàng-đợi) {notional} {{short}}'), []);
  assert.deepEqual(caught('[hàng đợi](https://x.io/)'), ['hàng đợi'], 'a link text is read');
  assert.deepEqual(findAvoided([{ where: 'i18n venues.display.bybit', text: 'Bybit hợp đồng vĩnh viễn USDT' }]), []);
});
