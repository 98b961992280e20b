// The usage shapes of src/usage/view.rs, until the generated bindings carry them: replaced by
// imports from ../../bindings once the core's commands land (then this file goes).
import type { Plan, Status, Text } from '../../bindings';

export type Figure =
  | 'database_bytes'
  | 'disk_used_bytes'
  | 'disk_size_bytes'
  | 'api_requests'
  | 'auth_users'
  | 'storage_bytes'
  | 'deployments'
  | 'executions'
  | 'failed_executions'
  | 'emails_sent'
  | 'revenue';
export type Money = { amount: number; currency: string };
export type Point = { day: string; value: number | null };
export type Series = { figure: Figure; points: Array<Point> };
export type Latest = { figure: Figure; value: number | null; day: string | null };
export type LimitKind = 'figure' | 'idle_pause';
export type Warning = {
  kind: LimitKind;
  figure: Figure | null;
  share: number;
  limit: number;
  value: number;
  days_left: number | null;
  limit_of: string;
  message: Text;
};
export type PlanFit = { pays: Plan; uses_like: Plan; message: Text };
export type CostLine = { what: Text; amount: Money };
export type Economics = { revenue: Money | null; cost: Money | null; cost_lines: Array<CostLine>; margin: Money | null; margin_missing: Text | null };
export type CustomerUsage = {
  slug: string;
  name: string;
  plan: Plan;
  collected_at: string | null;
  latest: Array<Latest>;
  series: Array<Series>;
  compute: string | null;
  economics: Economics;
  fit: PlanFit | null;
  warnings: Array<Warning>;
  problems: Array<Text>;
};
export type FleetRow = {
  slug: string;
  name: string;
  plan: Plan;
  status: Status;
  collected_at: string | null;
  economics: Economics;
  nearest: Warning | null;
  warnings: number;
  growth: number | null;
  fit: PlanFit | null;
  database: Array<number | null>;
};
export type FleetUsage = { rows: Array<FleetRow>; revenue: Array<Money>; cost: Array<Money>; margin: Array<Money>; days: number };
export type PriceLine = { key: string; amount: number };
export type PriceBook = { currency: string; lines: Array<PriceLine> };
export type ExportedFile = { path: string; count: number };
