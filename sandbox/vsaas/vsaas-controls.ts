import { AdminRequestError } from "../core";
import type { VsaasOrganizationRecord } from "./vsaas-records";
import { VsaasValidationError, type VsaasStore } from "./vsaas-store";

/**
 * Test-facing access to the billing that bypasses the API, to simulate what an operator does in the
 * my.vsaas.io web interface: remove a plan from an organization, rename or delete one, create one
 * before Pulumi runs, change the domain's default plan.
 */
export class VsaasOrganizationControls {
  constructor(private readonly store: VsaasStore) {}

  /** The organization as the API renders it, or undefined. */
  get(id: number): Record<string, unknown> | undefined {
    const record = this.store.organizations.get(id);
    return record ? this.store.render(record) : undefined;
  }

  /** Every organization, by ascending id, as the API renders them. */
  list(): Array<Record<string, unknown>> {
    return [...this.store.organizations.values()].sort((a, b) => a.id - b.id).map((record) => this.store.render(record));
  }

  /** The plan ids an organization has now (the default included). */
  planIds(id: number): number[] {
    return [...this.existing(id).tariffPlanIds];
  }

  /** Creates an organization as the web interface would. */
  add(fields: { title: string; owner: string; tariff_plans?: number[] }): Record<string, unknown> {
    return this.store.render(this.guard(() => this.store.createOrganization(fields)));
  }

  /** Removes one plan; the default plan cannot be removed (the billing keeps it in every organization). */
  removeTariffPlan(id: number, planId: number): number[] {
    const record = this.existing(id);
    if (planId === this.store.defaultPlan().id) throw new AdminRequestError(`plan ${planId} is the domain default; the billing keeps it`);
    if (!record.tariffPlanIds.includes(planId)) throw new AdminRequestError(`organization ${id} does not have plan ${planId}`);
    record.tariffPlanIds = record.tariffPlanIds.filter((p) => p !== planId);
    return [...record.tariffPlanIds];
  }

  /** Renames an organization (billing and Watcher). */
  rename(id: number, title: string): void {
    const record = this.existing(id);
    record.title = title;
    const watcher = this.store.watcherOrganizations.get(record.external_id);
    if (watcher) watcher.title = title;
  }

  /** Deletes an organization; false when it did not exist. */
  delete(id: number): boolean {
    return this.store.deleteOrganization(id);
  }

  /** Makes another plan the domain default (see {@link VsaasStore.setDefaultPlan}). */
  setDefaultTariffPlan(planId: number): void {
    this.guard(() => this.store.setDefaultPlan(planId));
  }

  private existing(id: number): VsaasOrganizationRecord {
    const record = this.store.organizations.get(id);
    if (!record) throw new AdminRequestError(`organization ${id} does not exist`);
    return record;
  }

  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof VsaasValidationError) throw new AdminRequestError(error.message);
      throw error;
    }
  }
}
