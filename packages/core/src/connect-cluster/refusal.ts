/** Why a connector (or an install script) is turned away; the codes are the protocol's refusal codes. */
export type RefusalCode = "UNAUTHENTICATED" | "TOKEN_USED" | "TOKEN_EXPIRED" | "TOKEN_REVOKED" | "WRONG_CLUSTER";

export class ConnectRefusal extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
    this.name = "ConnectRefusal";
  }
}
