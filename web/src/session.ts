// Who is signed in, and what the token's role may do: the console shows only that.
import type { Role, Token } from "./api/client";
import { signal } from "./signal";

/** me is the signed-in token (its role, scheme and unit), null when signed out. */
export const me = signal<Token | null>(null);

export type Ability = "design" | "tokens" | "writeFinal" | "import" | "writeSelf" | "readScheme";

/** allowed says whether a role may do a thing, as server/access.go's rules say. */
export function allowed(role: Role | undefined, what: Ability): boolean {
  switch (what) {
    case "design":
    case "tokens":
      return role === "admin";
    case "writeFinal":
    case "import":
      return role === "admin" || role === "assessor";
    case "writeSelf":
      return role === "admin" || role === "unit";
    case "readScheme":
      return role !== undefined && role !== "unit";
  }
}

/** can says whether the signed-in token may do a thing; the console hides the rest. */
export function can(what: Ability): boolean {
  return allowed(me.get()?.role, what);
}
