import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import type { ClientCertificateInfo } from "./http-types";

/** TLS settings for emulators of vendors reached over HTTPS (e.g. a billing cashier API with client certificates). */
export interface SandboxTlsOptions {
  /** PEM private key of the server. */
  key: string | Buffer;
  /** PEM certificate of the server. */
  cert: string | Buffer;
  /** PEM CA certificate(s) that client certificates must chain to. */
  ca?: string | Buffer;
  /** Ask clients for a certificate. Unauthorised clients are still served; handlers see `clientCertificate.authorized`. */
  requestCert?: boolean;
  /**
   * Refuse, during the TLS handshake, clients without a certificate that chains to `ca` (implies
   * `requestCert`), as a web server set to require and verify client certificates does. Default false.
   */
  requireClientCert?: boolean;
}

export interface ListenOptions {
  /** Default `127.0.0.1`: the sandbox is for this machine only. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** When given, the server speaks HTTPS. */
  tls?: SandboxTlsOptions;
}

/** A listening server. */
export interface ListeningServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:43121`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export type RawRequestListener = (request: http.IncomingMessage, response: http.ServerResponse) => void;

/** Starts an HTTP (or, with `tls`, HTTPS) server and resolves once it listens. */
export async function listen(listener: RawRequestListener, options: ListenOptions = {}): Promise<ListeningServer> {
  const host = options.host ?? "127.0.0.1";
  const server: http.Server = options.tls
    ? https.createServer(
        {
          key: options.tls.key,
          cert: options.tls.cert,
          ...(options.tls.ca !== undefined ? { ca: options.tls.ca } : {}),
          requestCert: (options.tls.requestCert ?? false) || options.tls.requireClientCert === true,
          rejectUnauthorized: options.tls.requireClientCert === true,
        },
        listener,
      )
    : http.createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const scheme = options.tls ? "https" : "http";
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `${scheme}://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections would otherwise hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}

/** Reads the whole body; rejects when it exceeds `limitBytes`. */
export function readBody(request: http.IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        reject(new BodyTooLargeError(limitBytes));
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`request body larger than ${limitBytes} bytes`);
  }
}

/** The client certificate of a TLS request, or undefined on plain HTTP. */
export function clientCertificateOf(request: http.IncomingMessage): ClientCertificateInfo | undefined {
  const socket = request.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerCertificate !== "function") return undefined;
  const certificate = socket.getPeerCertificate();
  const info: ClientCertificateInfo = { authorized: socket.authorized === true };
  if (certificate && certificate.subject) info.subject = { ...certificate.subject } as Record<string, string>;
  return info;
}
