import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../src/store/database.ts';
import { WatchRepository } from '../../src/store/watch-repository.ts';

const ALICE = { platform: 'telegram', userId: '1' };
const BOB = { platform: 'discord', userId: '2' };
const ACCOUNT = `0x${'a'.repeat(40)}`;

function setup() {
  const repo = new WatchRepository(openDatabase(':memory:'));
  repo.saveOwnerLang(ALICE, 'vi');
  repo.setPrivateChat(ALICE, '1');
  repo.saveOwnerLang(BOB, 'en');
  repo.setPrivateChat(BOB, 'dm-2');
  const a = repo.add({ ...ALICE, venue: 'hyperliquid', account: ACCOUNT, label: 'Main', createdAt: 1_000 });
  const b = repo.add({ ...BOB, venue: 'hyperliquid', account: ACCOUNT, label: 'whale', createdAt: 2_000 });
  return { repo, a, b };
}

test('two people may watch one account: one polling state (its fills count from the first watch), a label unique per person without case', () => {
  const { repo, a, b } = setup();
  assert.equal(repo.accountsToPoll().length, 1);
  assert.equal(repo.account('hyperliquid', ACCOUNT)!.fillsFrom, 1_000);
  assert.deepEqual(repo.activeWatchesOf('hyperliquid', ACCOUNT).map((w) => [w.id, w.owner.privateChatId, w.owner.lang]), [
    [a.id, '1', 'vi'],
    [b.id, 'dm-2', 'en'],
  ]);
  assert.throws(() => repo.add({ ...ALICE, venue: 'hyperliquid', account: `0x${'b'.repeat(40)}`, label: 'main', createdAt: 3_000 }), /UNIQUE/);
  assert.deepEqual(repo.ownerOfChat('discord', 'dm-2'), { userId: '2', lang: 'en' });
});

test('a private chat that is gone or blocks the bot pauses its owner: their queued messages are dropped, the account is polled for the others only; writing again resumes', () => {
  const { repo, a, b } = setup();
  repo.saveTiers([], [{ watchId: a.id, platform: 'telegram', chatId: '1', item: { n: 1 } }, { watchId: b.id, platform: 'discord', chatId: 'dm-2', item: { n: 2 } }], 5_000);
  assert.equal(repo.outboxRows.due(5_000).length, 2);
  repo.pause('telegram', '1', 'forbidden: bot was blocked by the user', new Date(6_000));
  assert.deepEqual(repo.outboxRows.due(6_000).map((m) => m.chatId), ['dm-2']);
  assert.deepEqual(repo.activeWatchesOf('hyperliquid', ACCOUNT).map((w) => w.id), [b.id]);
  assert.equal(repo.accountsToPoll().length, 1, 'Bob still watches it');
  repo.pause('discord', 'dm-2', 'forbidden', new Date(6_000));
  assert.equal(repo.accountsToPoll().length, 0, 'nobody reachable: not polled');
  assert.equal(repo.resumeOwner(ALICE), true);
  assert.equal(repo.accountsToPoll().length, 1);
});

test('fills are stored once by id with the receipts built from the new ones alone, and the cursor moves in the same transaction', () => {
  const { repo, a } = setup();
  const receipts = (fresh: Array<{ id: string; time: number }>) => fresh.map((f) => ({ watchId: a.id, platform: 'telegram', chatId: '1', item: { fill: f.id } }));
  const first = repo.saveFills('hyperliquid', ACCOUNT, [{ id: 'f1', time: 10_000 }, { id: 'f2', time: 11_000 }], { fillsFrom: 11_000, checkedAt: 12_000, stillDue: false }, receipts);
  assert.deepEqual(first.map((f) => f.id), ['f1', 'f2']);
  const again = repo.saveFills('hyperliquid', ACCOUNT, [{ id: 'f2', time: 11_000 }, { id: 'f3', time: 13_000 }], { fillsFrom: 13_000, checkedAt: 14_000, stillDue: false }, receipts);
  assert.deepEqual(again.map((f) => f.id), ['f3']);
  assert.deepEqual(repo.outbox(a.id).map((m) => m.item), [{ fill: 'f1' }, { fill: 'f2' }, { fill: 'f3' }]);
  const account = repo.account('hyperliquid', ACCOUNT)!;
  assert.deepEqual([account.fillsFrom, account.fillsCheckedAt, account.fillsDue], [13_000, 14_000, false]);
  assert.deepEqual(repo.storedFills('hyperliquid', ACCOUNT, 11_000), [{ id: 'f2', time: 11_000 }, { id: 'f3', time: 13_000 }]);
});

test('removing one watch of a shared account keeps the account for the other; removing the last deletes its state and fills', () => {
  const { repo, a, b } = setup();
  repo.saveFills('hyperliquid', ACCOUNT, [{ id: 'f1', time: 10_000 }], { fillsFrom: 10_000, checkedAt: 12_000, stillDue: false }, () => []);
  assert.equal(repo.remove(a.id), true);
  assert.equal(repo.owner(ALICE), undefined, 'Alice watches nothing more: her language and chat are forgotten');
  assert.ok(repo.account('hyperliquid', ACCOUNT));
  assert.equal(repo.storedFills('hyperliquid', ACCOUNT, 0).length, 1);
  assert.equal(repo.remove(b.id), true);
  assert.equal(repo.account('hyperliquid', ACCOUNT), undefined);
  assert.equal(repo.storedFills('hyperliquid', ACCOUNT, 0).length, 0);
  assert.equal(repo.remove(b.id), false);
});
