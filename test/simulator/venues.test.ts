import { test } from 'node:test';
import assert from 'node:assert/strict';
import { btcTiers } from '../../commands/simulate.ts';
import { resolveParams, VENUES } from '../../src/simulator/params.ts';

test("the simulator's copy of the BTC tiers matches src/core/venues.ts for every venue", () => {
  for (const venue of VENUES) {
    assert.deepEqual(resolveParams('mild', { venue, positions: 1_000 }).tiers, btcTiers(venue), venue);
  }
});
