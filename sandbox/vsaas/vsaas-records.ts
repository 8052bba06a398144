/**
 * The objects of the VSAAS.IO billing (my.vsaas.io API v1) and the Flussonic Watcher cloud
 * (cloud.vsaas.io API v2) as the emulator keeps them, and how the documents render them.
 */

/** A billing tariff plan. `isDefault` is the emulator's own mark: the document's answers do not show it. */
export interface VsaasTariffPlan {
  id: number;
  name: string;
  /** `DD/MM/YYYY`, as the document shows it. */
  date_from: string;
  /** `"100.0 USD"`, as the document shows it. */
  full_price: string;
  status: string;
  /** The Watcher preset id. */
  external_id: number;
  isDefault: boolean;
}

/** A billing organization. */
export interface VsaasOrganizationRecord {
  id: number;
  title: string;
  ownerId: number;
  discount: string;
  trial_expired_at: string;
  /** The Watcher organization id. */
  external_id: number;
  /** Plan ids in the order the billing lists them (the default first, then as requested). */
  tariffPlanIds: number[];
}

/** A user of the domain (an organization owner). */
export interface VsaasUser {
  id: number;
  email: string;
  /** The Watcher user id. */
  watcherId: number;
}

/** A Watcher organization (API v2 shape, minus the counters the emulator computes). */
export interface WatcherOrganization {
  id: number;
  title: string;
  ownerWatcherId: number;
  ownerLogin: string;
  is_default: boolean;
}

/** The tariff plan answer shape of the document (`GET /api/v1/tariff_plans`, inside organizations). */
export function renderTariffPlan(plan: VsaasTariffPlan): Record<string, unknown> {
  return {
    id: plan.id,
    name: plan.name,
    date_from: plan.date_from,
    full_price: plan.full_price,
    status: plan.status,
    external_id: plan.external_id,
  };
}

/** Default catalogue: the document's two plans plus its "My demo plan"; 548 "Default" is the domain default. */
export const DEFAULT_TARIFF_PLANS: readonly VsaasTariffPlan[] = [
  { id: 548, name: "Default", date_from: "27/04/2024", full_price: "0.0 USD", status: "Active", external_id: 391, isDefault: true },
  { id: 549, name: "Test plan", date_from: "27/04/2024", full_price: "100.0 USD", status: "Active", external_id: 392, isDefault: false },
  { id: 550, name: "My demo plan", date_from: "02/05/2024", full_price: "1500.0 USD", status: "Active", external_id: 393, isDefault: false },
];
