// The Jupyter wire format (messaging protocol 5.3): a message is a list of frames
// [routing ids..., "<IDS|MSG>", hmac, header, parent_header, metadata, content, buffers...],
// signed with HMAC-SHA256 over the four JSON frames using the connection file's key.
import { createHmac, randomUUID, timingSafeEqual } from "crypto";

export const DELIMITER = "<IDS|MSG>";
export const PROTOCOL_VERSION = "5.3";

export interface MessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

export interface JupyterMessage<C = Record<string, unknown>> {
  header: MessageHeader;
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: C;
}

/** Hex HMAC-SHA256 of the JSON frames, as the protocol specifies; "" when the key is empty (no signing). */
export function sign(key: string, frames: (string | Buffer)[]): string {
  if (!key) return "";
  const hmac = createHmac("sha256", key);
  for (const f of frames) hmac.update(f);
  return hmac.digest("hex");
}

export function makeHeader(msgType: string, session: string): MessageHeader {
  return {
    msg_id: randomUUID(),
    msg_type: msgType,
    session,
    username: "lr-lab-runner",
    date: new Date().toISOString(),
    version: PROTOCOL_VERSION,
  };
}

/** Frames to send on a Dealer socket (no routing ids: the kernel's Router adds ours). */
export function encode(key: string, msg: JupyterMessage<unknown>): string[] {
  const body = [
    JSON.stringify(msg.header),
    JSON.stringify(msg.parent_header),
    JSON.stringify(msg.metadata),
    JSON.stringify(msg.content),
  ];
  return [DELIMITER, sign(key, body), ...body];
}

/** Parse received frames; throws when the signature does not match (a message we must not trust). */
export function decode(key: string, frames: Buffer[]): JupyterMessage {
  const at = frames.findIndex((f) => f.length === DELIMITER.length && f.toString() === DELIMITER);
  if (at < 0 || frames.length < at + 6) throw new Error("malformed Jupyter message: no <IDS|MSG> delimiter or missing frames");
  const signature = frames[at + 1].toString();
  const body = frames.slice(at + 2, at + 6);
  if (key) {
    const expected = Buffer.from(sign(key, body));
    const got = Buffer.from(signature);
    if (expected.length !== got.length || !timingSafeEqual(expected, got)) throw new Error("Jupyter message with an invalid HMAC signature");
  }
  const [header, parent_header, metadata, content] = body.map((b) => JSON.parse(b.toString()));
  return { header, parent_header, metadata, content };
}
