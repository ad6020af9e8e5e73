/** The risk gate shared by the backtest engine and the live agent, and its limits. */
export { LimitRiskGate } from './limit-risk-gate.ts';
export type { RiskGateState, RiskReport } from './limit-risk-gate.ts';
export {
  CRYPTO_CAPITAL_FRACTIONS,
  DEFAULT_RISK_LIMITS,
  RISK_LIMITS_SCHEMA,
  KRX_CAPITAL_FRACTIONS,
  capitalRiskLimits,
  resolveRiskLimits,
} from './limits.ts';
export type { CapitalFractions, RiskLimits } from './limits.ts';
export type { DailyLossLatch, RiskCheck, RiskCheckName } from './checks.ts';
export { GateTimeline, MAX_EPISODES } from './timeline.ts';
export type { GateDay, GateEpisode, GateRefusal, RiskTimeline } from './timeline.ts';
