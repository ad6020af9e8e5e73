/** The risk gate shared by the backtest engine and the live agent, and its limits. */
export { LimitRiskGate } from './limit-risk-gate.ts';
export type { RiskGateState, RiskReport } from './limit-risk-gate.ts';
export { DEFAULT_RISK_LIMITS, resolveRiskLimits } from './limits.ts';
export type { RiskLimits } from './limits.ts';
export type { DailyLossLatch, RiskCheck, RiskCheckName } from './checks.ts';
