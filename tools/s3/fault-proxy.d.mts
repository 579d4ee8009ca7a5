export type FaultAction = 'pass' | 'drop' | 'drop-response' | 'truncate' | 'error' | 'delay' | 'reject-checksum';

export interface FaultRates {
  /** Close the connection without forwarding the request. */
  dropRate?: number;
  /** Forward the request, let the server apply it, then close the connection without answering. */
  dropResponseRate?: number;
  /** Forward a GET and cut the response body in half. */
  truncateRate?: number;
  /** Answer 503 SlowDown. */
  errorRate?: number;
  /** Wait `delayMs` before forwarding. */
  delayRate?: number;
}

export interface RequestInfo {
  method: string | undefined;
  url: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  index: number;
}

export interface FaultProxyOptions extends FaultRates {
  /** The real server, on loopback. */
  target: string;
  host?: string;
  port?: number;
  seed?: number;
  delayMs?: number;
  /** Answer 400 to requests that carry SDK checksums (x-amz-checksum-*, aws-chunked), like some S3-compatible servers. */
  rejectChecksums?: boolean;
  /** Force an action for a request; return undefined to roll the dice. */
  decide?: (info: RequestInfo) => FaultAction | undefined;
  onRequest?: (info: RequestInfo) => void;
}

export interface FaultProxy {
  url: string;
  port: number;
  stats: Record<FaultAction | 'requests', number>;
  setFaults(rates: FaultRates): void;
  close(): Promise<void>;
}

export function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy>;
