import type { ProviderMethod } from "./provider-host";

/**
 * The provider RPCs the real engine sends for ONE resource, per kind of step, in one engine pass
 * (configuration calls left out: Configure, and CheckConfig/DiffConfig/Handshake/GetPluginInfo,
 * which the dynamic-provider host does not implement).
 *
 * One table, two users: test/engine asserts that the pinned Pulumi CLI sends exactly these
 * (recorded with PULUMI_DEBUG_GRPC), and the mini engine's self-test asserts that MiniEngine sends
 * them too, so the model cannot drift from the engine unnoticed.
 *
 * `pulumi up` without `--skip-preview` is two passes, each in its own provider process: the
 * preview's sequence, then the update's. `pulumi refresh` without `--skip-preview` is two passes
 * of `refresh`. `pulumi destroy` sends only Deletes.
 */
export const ENGINE_SEQUENCES = {
  /** `pulumi preview` of a new resource. */
  previewCreate: ["check"],
  /** `pulumi preview` of an existing resource that stays or updates (olds of Check = stored inputs; olds of Diff = stored outputs). */
  previewSameOrUpdate: ["check", "diff"],
  /** `pulumi preview` of a replacement: the engine checks again from scratch (olds = {}). */
  previewReplace: ["check", "diff", "check"],
  /** The update pass of a create. */
  create: ["check", "create"],
  /** The update pass of an unchanged resource. */
  same: ["check", "diff"],
  /** The update pass of an in-place change, or of an unchanged resource with init errors (no diff needed for that). */
  update: ["check", "diff", "update"],
  /** The update pass of a replacement whose diff (or the `deleteBeforeReplace` option) says delete first. */
  replaceDeleteFirst: ["check", "diff", "check", "delete", "create"],
  /** The update pass of any other replacement: the old object is deleted after every create and update. */
  replaceCreateFirst: ["check", "diff", "check", "create", "delete"],
  /**
   * `pulumi preview` of a resource that depends (through a replace-on-change input) on a resource
   * replaced delete-first: the engine asks its Diff, with those inputs unknown, while planning the
   * other's replacement (step_generator.go, calculateDependentReplacements), plans to delete it
   * first, and when it registers re-creates it: Check(olds = {}), no second Diff.
   */
  previewReplaceDependent: ["diff", "check"],
  /** The update pass of such a dependent: deleted before the resource it depends on, created after it. */
  replaceDependent: ["diff", "delete", "check", "create"],
  /** A refresh of an object that exists: Read, then a Diff of the refreshed state against the old inputs. */
  refresh: ["read", "diff"],
  /** A refresh of an object that is gone. */
  refreshGone: ["read"],
  /** A destroy. */
  destroy: ["delete"],
} satisfies Record<string, ProviderMethod[]>;

/** The sequence names. */
export type EngineSequence = keyof typeof ENGINE_SEQUENCES;
