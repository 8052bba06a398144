import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import * as readline from "node:readline";
import type * as GrpcJs from "@grpc/grpc-js";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";
import type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
import type * as ProviderGrpcPb from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as StatusPb from "@pulumi/pulumi/proto/status_pb";

/** The value the engine sends for a property that is not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Key and signature the Pulumi wire format uses to mark a secret: `{[SIG_KEY]: SECRET_SIG, value}`. */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
/** See {@link SECRET_SIG_KEY}. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A property bag as it crosses the wire (what `google.protobuf.Struct` can hold). */
export type PropertyMap = Record<string, unknown>;

/** The ResourceProvider methods the driver calls (counted in {@link ProviderHost.rpcCounts}). */
export type ProviderMethod = "configure" | "check" | "diff" | "create" | "read" | "update" | "delete";

/** A validation failure returned by Check. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** Result of {@link ProviderHost.check}. */
export interface CheckResult {
  inputs: PropertyMap;
  failures: CheckFailure[];
}

/** Result of {@link ProviderHost.diff}: the only parts of a dynamic diff that reach the engine. */
export interface DiffResult {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** Result of {@link ProviderHost.create}. */
export interface CreateResult {
  id: string;
  properties: PropertyMap;
}

/** Result of {@link ProviderHost.read}. `id === ""` means the object is gone. */
export interface ReadResult {
  id: string;
  properties: PropertyMap;
  /** The inputs the provider returned, or `undefined` when it returned none. */
  inputs: PropertyMap | undefined;
}

/** Result of {@link ProviderHost.update}. */
export interface UpdateResult {
  properties: PropertyMap;
}

/** The `pulumirpc.ErrorResourceInitFailed` detail of a failed Create/Update. */
export interface InitFailure {
  id: string;
  properties: PropertyMap;
  reasons: string[];
}

/**
 * The harness's deadline per RPC. The engine sets none on Create/Read/Update/Delete (only a
 * resource's customTimeouts bound them), and a read of a pending create may wait out its settle
 * time (up to 30 s after a 504, provider/core/adoption.ts), so this is well above that: a hung
 * provider still fails the test, a waiting one does not.
 */
const DEFAULT_RPC_TIMEOUT_MS = 120_000;

/** A gRPC error from the host, as the engine sees it. */
export class ProviderHostError extends Error {
  /** The gRPC status code (2 = UNKNOWN for errors thrown by the provider). */
  readonly code: number;
  /** Which RPC failed. */
  readonly method: ProviderMethod;
  /** Set when a create/update failed after the object was made (the engine keeps it in state). */
  readonly initFailed: InitFailure | undefined;

  constructor(method: ProviderMethod, code: number, details: string, initFailed?: InitFailure) {
    super(details);
    this.name = "ProviderHostError";
    this.method = method;
    this.code = code;
    this.initFailed = initFailed;
  }
}

/** Options of {@link ProviderHost.start}. */
export interface ProviderHostOptions {
  /**
   * Working directory of the host: it resolves `require("<package>")` in the serialized provider
   * from here, and `@pulumi/pulumi` is the one a program in this folder would load.
   */
  cwd: string;
  /** Extra environment for the host process (added to the current environment). */
  env?: Record<string, string>;
  /** Deadline of each RPC in milliseconds (default 120 000), so a hung provider fails the test. */
  rpcTimeoutMs?: number;
}

/** One RPC sent to the host. */
export interface RpcRecord {
  method: ProviderMethod;
  /** The resource URN, or `""` for configure. */
  urn: string;
}

interface PulumiWire {
  grpc: typeof GrpcJs;
  struct: typeof StructPb;
  provider: typeof ProviderPb;
  providerGrpc: typeof ProviderGrpcPb;
  status: typeof StatusPb;
}

/**
 * Loads gRPC, protobuf and the generated stubs from the `@pulumi/pulumi` installed at `cwd`, so
 * the messages are built by the same library instances the host uses.
 */
function loadWire(pulumiPackageJson: string): PulumiWire {
  const pulumiRequire = createRequire(pulumiPackageJson);
  return {
    grpc: pulumiRequire("@grpc/grpc-js") as typeof GrpcJs,
    struct: pulumiRequire("google-protobuf/google/protobuf/struct_pb") as typeof StructPb,
    provider: pulumiRequire("./proto/provider_pb") as typeof ProviderPb,
    providerGrpc: pulumiRequire("./proto/provider_grpc_pb") as typeof ProviderGrpcPb,
    status: pulumiRequire("./proto/status_pb") as typeof StatusPb,
  };
}

/**
 * Drops `undefined` values recursively: `google.protobuf.Struct` cannot hold them (the engine
 * never sends them either; a missing key is how "absent" travels).
 */
export function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : withoutUndefined(item)));
  if (value !== null && typeof value === "object") {
    const result: PropertyMap = {};
    for (const [key, item] of Object.entries(value as PropertyMap)) {
      if (item !== undefined) result[key] = withoutUndefined(item);
    }
    return result;
  }
  return value;
}

/** The engine also sends the resource's name and type (the URN's last two parts). */
function setNameAndType(request: { setName(name: string): unknown; setType(type: string): unknown }, urn: string): void {
  const parts = urn.split("::");
  request.setName(parts[parts.length - 1] ?? "");
  request.setType(parts[parts.length - 2] ?? "");
}

/** Collects a child's stderr and exit status from the moment it is spawned. */
class ProcessOutput {
  stderr = "";
  stdout = "";
  exitCode: number | null = null;
  readonly exited: Promise<void>;

  constructor(child: ChildProcess) {
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.exitCode = code ?? (signal ? 128 : -1);
        resolve();
      });
    });
  }
}

type UnaryMethod = (
  request: unknown,
  metadata: GrpcJs.Metadata,
  options: Partial<GrpcJs.CallOptions>,
  callback: (error: GrpcJs.ServiceError | null, response: unknown) => void,
) => GrpcJs.ClientUnaryCall;

/**
 * Drives the real `@pulumi/pulumi` dynamic-provider host over gRPC, the way the Pulumi engine does.
 * Start it with {@link ProviderHost.start}; always {@link ProviderHost.stop} it (e.g. in afterAll).
 */
export class ProviderHost {
  /** TCP port the host listens on. */
  readonly port: number;
  /** Every RPC sent, in order. */
  readonly rpcLog: RpcRecord[] = [];

  private readonly child: ChildProcess;
  private readonly wire: PulumiWire;
  private readonly client: GrpcJs.Client;
  private readonly rpcTimeoutMs: number;
  private readonly output: ProcessOutput;
  private configuredFlag = false;

  private constructor(child: ChildProcess, wire: PulumiWire, port: number, output: ProcessOutput, rpcTimeoutMs: number) {
    this.child = child;
    this.wire = wire;
    this.port = port;
    this.output = output;
    this.rpcTimeoutMs = rpcTimeoutMs;
    const ClientCtor = wire.grpc.makeGenericClientConstructor(wire.providerGrpc.ResourceProviderService, "ResourceProvider");
    this.client = new ClientCtor(`127.0.0.1:${port}`, wire.grpc.credentials.createInsecure());
  }

  /**
   * Spawns `node <@pulumi/pulumi>/cmd/dynamic-provider/index.js 127.0.0.1:0` in `cwd` (with the
   * `@pulumi/pulumi` a program in `cwd` resolves, normally `<cwd>/node_modules/@pulumi/pulumi`), waits for the port it prints on its first stdout line and connects a client.
   * Rejects (and kills the process) if the host exits or prints nothing within 30 s.
   */
  static async start(options: ProviderHostOptions): Promise<ProviderHost> {
    const cwd = path.resolve(options.cwd);
    // Resolved like a program in `cwd` would (walking up node_modules folders).
    const pulumiPackageJson = createRequire(path.join(cwd, "noop.js")).resolve("@pulumi/pulumi/package.json");
    const wire = loadWire(pulumiPackageJson);
    const hostScript = path.join(path.dirname(pulumiPackageJson), "cmd", "dynamic-provider", "index.js");
    const child = spawn(process.execPath, [hostScript, "127.0.0.1:0"], {
      cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output = new ProcessOutput(child);
    const lines = readline.createInterface({ input: child.stdout! });
    let port: number;
    try {
      port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("provider host printed no port within 30 s")), 30_000);
        lines.once("line", (line) => {
          clearTimeout(timer);
          const parsed = Number.parseInt(line.trim(), 10);
          if (Number.isInteger(parsed) && parsed > 0) resolve(parsed);
          else reject(new Error(`provider host printed "${line}" instead of a port`));
        });
        void output.exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`provider host exited with code ${output.exitCode} before printing its port`));
        });
      });
    } catch (error) {
      child.kill("SIGKILL");
      await output.exited;
      throw new Error(`${(error as Error).message}\nstderr:\n${output.stderr}`);
    }
    lines.on("line", (line) => {
      output.stdout += `${line}\n`;
    });
    return new ProviderHost(child, wire, port, output, options.rpcTimeoutMs ?? DEFAULT_RPC_TIMEOUT_MS);
  }

  /** Everything the host wrote to stderr so far (provider errors, console.error of providers). */
  get stderr(): string {
    return this.output.stderr;
  }

  /** Everything the host wrote to stdout after the port line (console.log of providers). */
  get stdout(): string {
    return this.output.stdout;
  }

  /** The host's exit code once it exited, else `null`. */
  get exitStatus(): number | null {
    return this.output.exitCode;
  }

  /** Whether {@link configure} was called (the engine always configures before other calls). */
  get configured(): boolean {
    return this.configuredFlag;
  }

  /** Number of RPCs sent per method. */
  rpcCounts(): Record<ProviderMethod, number> {
    const counts: Record<ProviderMethod, number> = {
      configure: 0, check: 0, diff: 0, create: 0, read: 0, update: 0, delete: 0,
    };
    for (const record of this.rpcLog) counts[record.method] += 1;
    return counts;
  }

  /**
   * Sends Configure like the engine configures the default `pulumi-nodejs` provider: the flat stack
   * config (`{"forpost:url": "http://..."}`) as `args`, keys in `secretKeys` wrapped as secrets
   * (the host unwraps them), and as `variables` under `pulumi-nodejs:config:<key>`, in plaintext
   * (the host reads only `args`). The host passes the config to `provider.configure` when it first
   * deserializes each provider text, i.e. at the first Check/Diff/Create/... after this call.
   */
  async configure(config: Record<string, string>, options: { secretKeys?: string[] } = {}): Promise<void> {
    const { provider, struct } = this.wire;
    const secretKeys = new Set(options.secretKeys ?? []);
    const args: PropertyMap = {};
    for (const [key, value] of Object.entries(config)) {
      args[key] = secretKeys.has(key) ? { [SECRET_SIG_KEY]: SECRET_SIG, value } : value;
    }
    const request = new provider.ConfigureRequest();
    request.setArgs(struct.Struct.fromJavaScript(args as Record<string, StructPb.JavaScriptValue>));
    const variables = request.getVariablesMap();
    for (const [key, value] of Object.entries(config)) variables.set(`pulumi-nodejs:config:${key}`, value);
    request.setAcceptsecrets(true);
    request.setAcceptresources(true);
    request.setSendsOldInputs(true);
    request.setSendsOldInputsToDelete(true);
    request.setName("default");
    request.setType("pulumi:providers:pulumi-nodejs");
    await this.unary("configure", "", request);
    this.configuredFlag = true;
  }

  /** Sends Check(urn, olds, news). */
  async check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
    const request = new this.wire.provider.CheckRequest();
    request.setUrn(urn);
    setNameAndType(request, urn);
    request.setOlds(this.toStruct(olds));
    request.setNews(this.toStruct(news));
    const response = (await this.unary("check", urn, request)) as ProviderPb.CheckResponse;
    return {
      inputs: this.fromStruct(response.getInputs()),
      failures: response.getFailuresList().map((failure) => ({
        property: failure.getProperty(),
        reason: failure.getReason(),
      })),
    };
  }

  /** Sends Diff(urn, id, olds, news); the engine passes the old OUTPUTS as `olds`. */
  async diff(
    urn: string,
    id: string,
    olds: PropertyMap,
    news: PropertyMap,
    oldInputs?: PropertyMap,
  ): Promise<DiffResult> {
    const request = new this.wire.provider.DiffRequest();
    request.setUrn(urn);
    setNameAndType(request, urn);
    request.setId(id);
    request.setOlds(this.toStruct(olds));
    request.setNews(this.toStruct(news));
    if (oldInputs) request.setOldInputs(this.toStruct(oldInputs));
    const response = (await this.unary("diff", urn, request)) as ProviderPb.DiffResponse;
    const kinds = this.wire.provider.DiffResponse.DiffChanges;
    const changes = response.getChanges();
    return {
      changes: changes === kinds.DIFF_SOME ? "some" : changes === kinds.DIFF_NONE ? "none" : "unknown",
      replaces: response.getReplacesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
    };
  }

  /** Sends Create(urn, properties). Errors carry {@link ProviderHostError.initFailed}. */
  async create(urn: string, properties: PropertyMap): Promise<CreateResult> {
    const request = new this.wire.provider.CreateRequest();
    request.setUrn(urn);
    setNameAndType(request, urn);
    request.setProperties(this.toStruct(properties));
    const response = (await this.unary("create", urn, request)) as ProviderPb.CreateResponse;
    return { id: response.getId(), properties: this.fromStruct(response.getProperties()) };
  }

  /** Sends Read(urn, id, properties = outputs, inputs). */
  async read(urn: string, id: string, properties: PropertyMap, inputs: PropertyMap): Promise<ReadResult> {
    const request = new this.wire.provider.ReadRequest();
    request.setUrn(urn);
    setNameAndType(request, urn);
    request.setId(id);
    request.setProperties(this.toStruct(properties));
    request.setInputs(this.toStruct(inputs));
    const response = (await this.unary("read", urn, request)) as ProviderPb.ReadResponse;
    return {
      id: response.getId() ?? "",
      properties: this.fromStruct(response.getProperties()),
      inputs: response.hasInputs() ? this.fromStruct(response.getInputs()) : undefined,
    };
  }

  /** Sends Update(urn, id, olds = old outputs, news = checked inputs). */
  async update(
    urn: string,
    id: string,
    olds: PropertyMap,
    news: PropertyMap,
    oldInputs?: PropertyMap,
  ): Promise<UpdateResult> {
    const request = new this.wire.provider.UpdateRequest();
    request.setUrn(urn);
    setNameAndType(request, urn);
    request.setId(id);
    request.setOlds(this.toStruct(olds));
    request.setNews(this.toStruct(news));
    if (oldInputs) request.setOldInputs(this.toStruct(oldInputs));
    const response = (await this.unary("update", urn, request)) as ProviderPb.UpdateResponse;
    return { properties: this.fromStruct(response.getProperties()) };
  }

  /** Sends Delete(urn, id, properties = outputs). */
  async delete(urn: string, id: string, properties: PropertyMap, oldInputs?: PropertyMap): Promise<void> {
    const request = new this.wire.provider.DeleteRequest();
    request.setUrn(urn);
    setNameAndType(request, urn);
    request.setId(id);
    request.setProperties(this.toStruct(properties));
    if (oldInputs) request.setOldInputs(this.toStruct(oldInputs));
    await this.unary("delete", urn, request);
  }

  /** Closes the client and kills the host process; resolves once it exited. Safe to call twice. */
  async stop(): Promise<void> {
    this.client.close();
    if (this.output.exitCode === null) {
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
      await this.output.exited;
      clearTimeout(timer);
    }
  }

  private toStruct(value: PropertyMap): StructPb.Struct {
    return this.wire.struct.Struct.fromJavaScript(withoutUndefined(value) as Record<string, StructPb.JavaScriptValue>);
  }

  private fromStruct(struct: StructPb.Struct | undefined): PropertyMap {
    return struct ? (struct.toJavaScript() as PropertyMap) : {};
  }

  private unary(method: ProviderMethod, urn: string, request: unknown): Promise<unknown> {
    this.rpcLog.push({ method, urn });
    const call = (this.client as unknown as Record<string, UnaryMethod>)[method]!.bind(this.client);
    const deadline = new Date(Date.now() + this.rpcTimeoutMs);
    return new Promise((resolve, reject) => {
      call(request, new this.wire.grpc.Metadata(), { deadline }, (error, response) => {
        if (error) reject(this.toHostError(method, error));
        else resolve(response);
      });
    });
  }

  private toHostError(method: ProviderMethod, error: GrpcJs.ServiceError): ProviderHostError {
    let initFailed: InitFailure | undefined;
    const [detailsBin] = error.metadata?.get("grpc-status-details-bin") ?? [];
    if (detailsBin) {
      const status = this.wire.status.Status.deserializeBinary(
        typeof detailsBin === "string" ? Buffer.from(detailsBin, "base64") : new Uint8Array(detailsBin),
      );
      for (const detail of status.getDetailsList()) {
        if (detail.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
        const failure = this.wire.provider.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
        initFailed = {
          id: failure.getId(),
          properties: this.fromStruct(failure.getProperties()),
          reasons: failure.getReasonsList(),
        };
      }
    }
    return new ProviderHostError(method, error.code, error.details ?? error.message, initFailed);
  }
}
