// Who is signed in: a platform (platform key + its ID) or the operator (admin key).

/** A signed-in session; keys live in sessionStorage only. */
export type Session = { kind: 'platform'; key: string; platformId: string; platformName: string } | { kind: 'admin'; key: string };
