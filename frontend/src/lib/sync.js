// Pure catch-up logic shared by the realtime hooks (no React, no DOM: unit-tested in frontend/test).

/** The server's page size for message history (`session.join` replay and GET .../messages). */
export const MESSAGE_PAGE_LIMIT = 500;

// ---- chat: the highest CONTIGUOUS seq ---------------------------------------------------------
// A session's seqs are 1, 2, 3, … (allocated under the session row lock, so gap-free). The client
// re-joins with afterSeq = the highest seq up to which it holds EVERYTHING, never just the highest
// seq it has seen: a live message that overtook a gap (or a truncated replay) must not make the
// next re-join skip what is missing.

/** Advances `contiguous` while the next seq is held. `held` has `has(seq)` (a Set or a Map). */
export function advanceContiguous(contiguous, held) {
  let c = contiguous;
  while (held.has(c + 1)) c += 1;
  return c;
}

/**
 * After an AUTHORITATIVE read of "every message with seq > afterSeq" (a join ack or an HTTP page run
 * that ended with a short page), whatever seq it did not return up to its highest does not exist:
 * the marker may move to that highest seq even across a hole, then on through held seqs.
 * @param {number} contiguous current marker
 * @param {number} afterSeq   the afterSeq the read started from
 * @param {Array<{seq:number}>} messages everything the read returned
 * @param {{has(seq:number):boolean}} held seqs held now (the read's messages included)
 */
export function afterCompleteRead(contiguous, afterSeq, messages, held) {
  let c = contiguous;
  if (afterSeq <= c) {
    for (const m of messages || []) if (m && typeof m.seq === 'number' && m.seq > c) c = m.seq;
  }
  return advanceContiguous(c, held);
}

/** Whether a seq beyond the contiguous marker is held, i.e. something in between is missing. */
export function hasGap(contiguous, held) {
  for (const seq of held.keys ? held.keys() : held) if (seq > contiguous + 1) return true;
  return false;
}

/**
 * Reads every message after `afterSeq` page by page: `fetchPage(afterSeq, limit)` resolves to an array
 * ordered by seq; paging stops at the first page shorter than `limit` (complete) or one that does not
 * move forward (defensive). Resolves to `{messages, complete}`; rejects if a page fails.
 */
export async function readAllAfter(fetchPage, afterSeq, limit = MESSAGE_PAGE_LIMIT, maxPages = 1000) {
  const out = [];
  let after = afterSeq;
  for (let i = 0; i < maxPages; i++) {
    const page = (await fetchPage(after, limit)) || [];
    let max = after;
    for (const m of page) {
      if (m && typeof m.seq === 'number' && m.seq > after) {
        out.push(m);
        if (m.seq > max) max = m.seq;
      }
    }
    if (page.length < limit) return { messages: out, complete: true };
    if (max <= after) return { messages: out, complete: false };
    after = max;
  }
  return { messages: out, complete: false };
}

/** Merges message lists into a seq-keyed Map (a later copy of a seq replaces an earlier one). */
export function mergeBySeq(map, list) {
  const next = new Map(map);
  for (const m of list || []) if (m && typeof m.seq === 'number') next.set(m.seq, m);
  return next;
}

// ---- dashboard: ringing sessions after a (re)connect --------------------------------------------

/**
 * Reconciles the ring alerts with the server's list of ringing sessions (GET /sessions?status=ringing).
 * - a fetched ringing session not shown yet, and not known to have left ringing here, starts ringing;
 * - a shown ring the server no longer lists stops, unless it arrived live after the fetch started
 *   (`startedAt`): the fetch could not have seen it;
 * - a kept ring takes the fresher session object.
 * Statuses never go back to ringing, so `settled` (ids seen leave ringing, or handled on this device)
 * is final.
 * @param {Array<{session:object, door?:object, at:number}>} list current alerts
 * @param {Array<object>} fetched sessions from the server
 * @param {{startedAt:number, now:number, settled?:{has(id:string):boolean}}} opts
 * @returns {{list: Array, added: string[], dropped: string[]}}
 */
export function reconcileRinging(list, fetched, { startedAt, now, settled } = {}) {
  const ringingNow = new Map();
  for (const s of fetched || []) if (s && s.id && s.status === 'ringing') ringingNow.set(s.id, s);
  const dropped = [];
  const kept = [];
  for (const r of list || []) {
    const id = r.session.id;
    if (ringingNow.has(id)) kept.push({ ...r, session: { ...r.session, ...ringingNow.get(id) } });
    else if (r.at >= startedAt) kept.push(r);
    else dropped.push(id);
  }
  const shown = new Set(kept.map((r) => r.session.id));
  const fresh = [...ringingNow.values()]
    .filter((s) => !shown.has(s.id) && !(settled && settled.has(s.id)))
    .sort((a, b) => String(a.createdAt || '').localeCompare(String(b.createdAt || '')));
  const added = fresh.map((s) => s.id);
  const next = [...kept, ...fresh.map((s) => ({ session: s, door: null, at: now, caughtUp: true }))];
  return { list: next, added, dropped };
}
