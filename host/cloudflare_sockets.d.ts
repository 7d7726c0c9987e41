// The part of workerd's `cloudflare:sockets` module (its TCP socket API) that host/cloudflare.ts
// uses, as documented for Workers' connect().
declare module "cloudflare:sockets" {
  interface SocketAddress {
    hostname: string;
    port: number;
  }
  interface SocketOptions {
    secureTransport?: "off" | "on" | "starttls";
    allowHalfOpen?: boolean;
  }
  interface SocketInfo {
    remoteAddress?: string;
    localAddress?: string;
  }
  interface Socket {
    readonly readable: ReadableStream<Uint8Array>;
    readonly writable: WritableStream<Uint8Array>;
    readonly opened: Promise<SocketInfo>;
    readonly closed: Promise<void>;
    close(): Promise<void>;
  }
  export function connect(address: SocketAddress | string, options?: SocketOptions): Socket;
}
