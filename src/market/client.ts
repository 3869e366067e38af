import type { Venue, VenueFetch } from './types.ts';
import type { VenueHttp } from './http.ts';

/** One exchange's public market data → normalised snapshots for every listed perpetual. */
export interface VenueClient {
  readonly venue: Venue;
  readonly http: VenueHttp;
  fetchSnapshots(): Promise<VenueFetch>;
}
