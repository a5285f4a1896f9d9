import { jwtDecode } from 'jwt-decode';

/**
 * Who is signed in, read from the one trustworthy place: the access token's `sub` claim, which
 * the API sets to the user's id as a string ("42"). Returns null for anything else (a missing or
 * non-numeric sub, a token that is not a JWT).
 */
export function userIdFromToken(token: string): number | null {
  let sub: unknown;
  try {
    sub = jwtDecode<{ sub?: unknown }>(token).sub;
  } catch {
    return null;
  }
  if (typeof sub !== 'string' || !/^[1-9]\d*$/.test(sub)) return null;
  const id = Number(sub);
  return Number.isSafeInteger(id) ? id : null;
}
