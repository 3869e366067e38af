import { assessCoin, severityRank, type AlertKind, type Severity, type SignalThresholds, type Side, type VenueSignals } from '../core/signals.ts';
import { venueGroup, type Subscription } from '../store/alerts-repository.ts';

/** One alert for one coin within one venue group, serialisable into the outbox. */
export interface AlertCandidate {
  kind: AlertKind;
  symbol: string;
  severity: Severity;
  venueGroup: string;
  /** Venues that triggered it. */
  venues: string[];
  side?: Side;
  /** For crowding: share of the group's venues that agree. */
  agreement?: number;
  crash?: { worstDrop: number; worstFlush: number; flushVenues: string[]; windowMinutes: number };
  /** The numbers behind it, per venue of the group. */
  metrics: VenueMetrics[];
  time: number;
}

export type VenueMetrics = Pick<
  VenueSignals,
  'venue' | 'fundingApr' | 'fundingZ' | 'oiChange1h' | 'oiChange4h' | 'priceChange15m' | 'priceChange1h' | 'dropFromPeak' | 'oiFlush' | 'adlRisk'
> & { mark: number | null };

/** Assesses each coin once per venue group and returns the candidates, strongest first. */
export function evaluateAlerts(
  signals: readonly VenueSignals[],
  marks: ReadonlyMap<string, number>,
  groups: ReadonlyArray<readonly string[]>,
  thresholds: SignalThresholds,
  now: number,
): AlertCandidate[] {
  const bySymbol = new Map<string, VenueSignals[]>();
  for (const s of signals) {
    const list = bySymbol.get(s.symbol);
    if (list) list.push(s);
    else bySymbol.set(s.symbol, [s]);
  }
  const candidates: AlertCandidate[] = [];
  const seenGroups = new Set<string>();
  for (const venues of groups) {
    const group = venueGroup(venues);
    if (seenGroups.has(group)) continue;
    seenGroups.add(group);
    for (const [symbol, all] of bySymbol) {
      const inGroup = group === '*' ? all : all.filter((s) => venues.includes(s.venue));
      if (inGroup.length === 0) continue;
      const assessment = assessCoin(symbol, inGroup, thresholds);
      const metrics = inGroup.map((s) => metricsOf(s, marks.get(`${s.venue}:${symbol}`) ?? null));
      const base = { symbol, venueGroup: group, metrics, time: now };
      if (assessment.crowding) {
        const c = assessment.crowding;
        candidates.push({ ...base, kind: 'crowding', severity: c.severity, venues: c.venues, side: c.side, agreement: c.agreement });
      }
      if (assessment.crash) {
        const c = assessment.crash;
        candidates.push({
          ...base,
          kind: 'crash',
          severity: c.severity,
          venues: [...new Set([...c.venues, ...c.flushVenues])],
          crash: { worstDrop: c.worstDrop, worstFlush: c.worstFlush, flushVenues: c.flushVenues, windowMinutes: thresholds.crashWindowMinutes },
        });
      }
      if (assessment.adl) candidates.push({ ...base, kind: 'adl', severity: assessment.adl.severity, venues: assessment.adl.venues });
    }
  }
  return candidates.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
}

const KIND_ORDER: Record<AlertKind, number> = { crash: 0, adl: 1, crowding: 2 };

function metricsOf(s: VenueSignals, mark: number | null): VenueMetrics {
  const { venue, fundingApr, fundingZ, oiChange1h, oiChange4h, priceChange15m, priceChange1h, dropFromPeak, oiFlush, adlRisk } = s;
  return { venue, mark, fundingApr, fundingZ, oiChange1h, oiChange4h, priceChange15m, priceChange1h, dropFromPeak, oiFlush, adlRisk };
}

/** Does this subscription want this candidate? */
export function wants(sub: Subscription, candidate: AlertCandidate): boolean {
  return (
    sub.pausedAt === null &&
    sub.kinds.includes(candidate.kind) &&
    venueGroup(sub.venues) === candidate.venueGroup &&
    (sub.symbols.includes('*') || sub.symbols.includes(candidate.symbol)) &&
    severityRank(candidate.severity) >= severityRank(sub.minSeverity)
  );
}
