import * as pulumi from "@pulumi/pulumi";
import {
  ForpostAccount,
  ForpostCamera,
  ForpostUser,
  ForpostUserCameraAccess,
  type ForpostAccountArgs,
  type ForpostCameraArgs,
  type ForpostUserArgs,
  type ForpostUserCameraAccessArgs,
} from "../resources.generated";
import type { TelecomResourceOptions } from "../telecom-resource";

/** The type token of {@link VideoSubscriber}. */
export const VIDEO_SUBSCRIBER_TYPE = "telecom:index:VideoSubscriber";

/** A login of the subscriber's account: a ForpostUser's arguments without the account and the role. */
export type VideoSubscriberLogin = Omit<ForpostUserArgs, "accountId" | "isReadOnly">;

/** What the viewer may do with a camera: ForpostUserCameraAccess's rights. */
export type VideoSubscriberRights = Omit<ForpostUserCameraAccessArgs, "userId" | "cameraId">;

/** One camera of the subscriber: a ForpostCamera's arguments without the account, plus its key. */
export interface VideoSubscriberCamera extends Omit<ForpostCameraArgs, "accountId"> {
  /**
   * Names the camera's child resources (`<name>-camera-<key>`, `<name>-viewer-<key>`): lower-case
   * letters, digits and dashes. A plain string, not an Output: it is part of the resources' URNs,
   * so changing it replaces the camera (keep it when renaming the camera: that is `name`).
   */
  key: string;
  /**
   * The viewer's rights on this camera instead of `viewer.rights`; `false`: the viewer does not
   * see this camera. Ignored without a viewer.
   */
  viewerRights?: VideoSubscriberRights | false;
}

/** Arguments of {@link VideoSubscriber}. */
export interface VideoSubscriberArgs {
  /** The subscriber's Forpost account (a ForpostAccount's arguments). Set `contractNumber`: it is how the account is adopted and how a lost create is found. */
  account: ForpostAccountArgs;
  /**
   * The subscriber's own login: an administrator of the account (isReadOnly false), who sees and
   * manages every camera of the account without access rows (Forpost: "IsReadOnly 0 — account
   * administrator"). `password` is required to create it and is kept secret.
   */
  admin: VideoSubscriberLogin;
  /**
   * Optional read-only login (isReadOnly true), e.g. for a family member: it sees only the cameras
   * it is given rights on, so each camera gets a ForpostUserCameraAccess for it.
   */
  viewer?: VideoSubscriberLogin & {
    /** Rights on every camera (unless the camera says otherwise). Default: live view and the archive. */
    rights?: VideoSubscriberRights;
  };
  /** The subscriber's cameras, each with a unique `key`. Default: none. */
  cameras?: VideoSubscriberCamera[];
}

/**
 * Options of {@link VideoSubscriber}: Pulumi's component options, plus the ones passed down to
 * every child. `import` is refused (each child has its own id): use `adoptExisting`.
 */
export interface VideoSubscriberOptions extends pulumi.ComponentResourceOptions {
  /** Passed to every child: adopts the account (contract number), the logins, the cameras (account + name) and the rights (user + camera) that exist. */
  adoptExisting?: boolean;
  /** Passed to every child (and set on the component). */
  protect?: boolean;
  /** Passed to every child: `pulumi destroy` drops them from the stack and leaves them in Forpost. */
  retainOnDelete?: boolean;
  /**
   * Aliases for children that existed under other names or parents before (e.g. a top-level
   * `new ForpostAccount("video", …)` moved into this component:
   * `{ account: [{ name: "video", parent: pulumi.rootStackResource }] }`). Without one, Pulumi would
   * create the new child (adopting the object with `adoptExisting`) and then DELETE the old
   * resource's object — the subscriber's account.
   */
  childAliases?: {
    account?: pulumi.Input<pulumi.URN | pulumi.Alias>[];
    admin?: pulumi.Input<pulumi.URN | pulumi.Alias>[];
    viewer?: pulumi.Input<pulumi.URN | pulumi.Alias>[];
    /** By camera key. */
    cameras?: Record<string, pulumi.Input<pulumi.URN | pulumi.Alias>[]>;
  };
}

const DEFAULT_VIEWER_RIGHTS: VideoSubscriberRights = { review: true, viewArchive: true };
const KEY = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * One subscriber's Forpost video surveillance in one declaration: the account, the subscriber's
 * administrator login, their cameras, and optionally a read-only viewer with rights on each
 * camera. Children are named after the component (`<name>-account`, `<name>-admin`,
 * `<name>-viewer`, `<name>-camera-<key>`, `<name>-viewer-<key>`) and parented to it.
 * Reference: docs/api-docs/components/video-subscriber.md.
 */
export class VideoSubscriber extends pulumi.ComponentResource {
  readonly account: ForpostAccount;
  readonly admin: ForpostUser;
  readonly viewer?: ForpostUser;
  /** The cameras by key. */
  readonly cameras: Record<string, ForpostCamera>;
  /** The viewer's rights by camera key (cameras the viewer does not see have none). */
  readonly viewerAccess: Record<string, ForpostUserCameraAccess>;
  /** The Forpost account ID. */
  readonly accountId: pulumi.Output<string>;
  /** The administrator's Forpost user ID. */
  readonly adminUserId: pulumi.Output<string>;
  /** The administrator's login, as Forpost reads it back. */
  readonly adminLogin: pulumi.Output<string | undefined>;
  /** The viewer's Forpost user ID (undefined without a viewer). */
  readonly viewerUserId: pulumi.Output<string | undefined>;
  /** Forpost camera IDs by key. */
  readonly cameraIds: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: VideoSubscriberArgs, opts: VideoSubscriberOptions = {}) {
    const { adoptExisting, retainOnDelete, childAliases, ...componentOpts } = opts;
    if ((opts as { import?: unknown }).import !== undefined) {
      throw new Error(`${VIDEO_SUBSCRIBER_TYPE} "${name}": the import option does not apply to a component (each child has its own id); use adoptExisting: true, which finds the account, logins, cameras and rights by their natural keys`);
    }
    super(VIDEO_SUBSCRIBER_TYPE, name, {}, componentOpts);
    validate(name, args);

    const child: TelecomResourceOptions = {
      parent: this,
      ...(opts.protect !== undefined ? { protect: opts.protect } : {}),
      ...(retainOnDelete !== undefined ? { retainOnDelete } : {}),
      ...(adoptExisting ? { adoptExisting: true } : {}),
    };

    const aliased = (aliases: pulumi.Input<pulumi.URN | pulumi.Alias>[] | undefined): TelecomResourceOptions => (aliases ? { ...child, aliases } : child);

    this.account = new ForpostAccount(`${name}-account`, args.account, aliased(childAliases?.account));
    const accountId = this.account.id;
    this.admin = new ForpostUser(`${name}-admin`, { ...args.admin, accountId, isReadOnly: false }, aliased(childAliases?.admin));

    this.cameras = {};
    for (const { key, viewerRights: _rights, ...camera } of args.cameras ?? []) {
      this.cameras[key] = new ForpostCamera(`${name}-camera-${key}`, { ...camera, accountId }, aliased(childAliases?.cameras?.[key]));
    }

    this.viewerAccess = {};
    if (args.viewer) {
      const { rights, ...login } = args.viewer;
      const viewer = new ForpostUser(`${name}-viewer`, { ...login, accountId, isReadOnly: true }, aliased(childAliases?.viewer));
      this.viewer = viewer;
      for (const camera of args.cameras ?? []) {
        if (camera.viewerRights === false) continue;
        const granted = camera.viewerRights ?? rights ?? DEFAULT_VIEWER_RIGHTS;
        this.viewerAccess[camera.key] = new ForpostUserCameraAccess(
          `${name}-viewer-${camera.key}`,
          { ...granted, userId: viewer.id, cameraId: this.cameras[camera.key]!.id },
          child,
        );
      }
    }

    this.accountId = accountId;
    this.adminUserId = this.admin.id;
    this.adminLogin = this.admin.login;
    this.viewerUserId = this.viewer ? this.viewer.id.apply((id): string | undefined => id) : pulumi.output<string | undefined>(undefined);
    const ids = Object.entries(this.cameras).map(([key, camera]) => camera.id.apply((id) => [key, id] as const));
    this.cameraIds = pulumi.all(ids).apply((pairs) => Object.fromEntries(pairs));
    this.registerOutputs({
      accountId: this.accountId,
      adminUserId: this.adminUserId,
      adminLogin: this.adminLogin,
      viewerUserId: this.viewerUserId,
      cameraIds: this.cameraIds,
    });
  }
}

function validate(name: string, args: VideoSubscriberArgs): void {
  const where = `${VIDEO_SUBSCRIBER_TYPE} "${name}"`;
  if (!args || typeof args !== "object") throw new Error(`${where}: arguments are required`);
  if (!args.account) throw new Error(`${where}: account is required (the ForpostAccount's arguments)`);
  if (!args.admin) throw new Error(`${where}: admin is required (the subscriber's administrator login: login and password)`);
  const seen = new Set<string>();
  for (const [index, camera] of (args.cameras ?? []).entries()) {
    if (typeof camera.key !== "string" || !KEY.test(camera.key)) {
      throw new Error(`${where}: cameras[${index}].key ${JSON.stringify(camera.key)} must be a plain string of lower-case letters, digits and dashes (e.g. "front-door"): it names the camera's resources`);
    }
    if (seen.has(camera.key)) throw new Error(`${where}: cameras[${index}].key "${camera.key}" is used twice; each camera needs its own key`);
    seen.add(camera.key);
  }
}
