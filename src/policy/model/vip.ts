// The vip document (schemas/vip.schema.json).
import type { DocumentHeader, Label } from './common.ts';

/** The API's tier value for a client below every tier; never a key of `tiers`. */
export const NO_TIER = 'none';

export interface VipService {
  dedicatedManager: boolean;
  firstResponse: { amount: number; unit: 'minutes' | 'hours' | 'working-days'; label: Label };
  research: Label;
  events: Label;
  fastTradingChannel: boolean;
}

export interface VipTier {
  label: Label;
  /** Meeting any one threshold meets the tier. */
  thresholds: { avgDailyAssets3m: number; annualCommission?: number };
  service: VipService;
}

export interface VipDoc extends DocumentHeader {
  kind: 'vip';
  /** Keyed by tier id, lowest first (other kinds refer to these ids). */
  tiers: Record<string, VipTier>;
  nonVip: { label: Label };
  target: { label: Label; assetsRatio: number };
  grace: { months: number };
}
