/**
 * Which of the SFU's offers belong to the current subscription. Re-subscribing replaces the server's receiving
 * transport, but offers the old transport sent before the server got the new `media.subscribe` can still be on the
 * wire. Answering one of those would hand the new transport an answer to another transport's offer (it accepts it,
 * then refuses the real answer: "no subscriber offer is pending") and the receiving side never comes up.
 * The `media.subscribe` acknowledgement names the new transport's o= session id; offers that arrive before it are
 * held, then only the ones with that session go through. Pure logic, so tests run it outside a browser.
 */
export function sdpSession(sdp: string): string | null {
  const m = /^o=\S+ (\S+) /m.exec(sdp);
  return m ? m[1]! : null;
}

export class OfferGate {
  /** undefined until `media.subscribe` is acknowledged; null when the server does not name its session (accept all). */
  private session: string | null | undefined = undefined;
  private held: string[] = [];
  /** Offers dropped as another transport's (for traces and tests). */
  dropped = 0;

  constructor(
    private readonly deliver: (sdp: string) => void,
    private readonly onDrop: (sdp: string) => void = () => undefined,
  ) {}

  offer(sdp: string): void {
    if (this.session === undefined) {
      this.held.push(sdp);
      return;
    }
    this.pass(sdp);
  }

  subscribed(session: string | null): void {
    this.session = session;
    for (const sdp of this.held.splice(0)) this.pass(sdp);
  }

  private pass(sdp: string): void {
    if (this.session === null || sdpSession(sdp) === this.session) this.deliver(sdp);
    else {
      this.dropped++;
      this.onDrop(sdp);
    }
  }
}
