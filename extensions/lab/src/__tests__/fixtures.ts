/** Shared helpers of the model specs: events and a scripted requester. */
import type { IFeedEvent } from '../api/types';

let nextId = 1;

/** A feed event with sensible defaults. */
export function feedEvent(fields: Partial<IFeedEvent> = {}): IFeedEvent {
  const id = fields.id ?? nextId++;
  return {
    id,
    kind: 'post.created',
    project: 'egfr-sar',
    actor: 'bob',
    created_at: '2026-11-20T10:00:00Z',
    path: null,
    summary: 'a post',
    data: {},
    tags: [],
    mentions: [],
    reactions: [],
    ...fields
  };
}

/** One scripted answer: a value, or an error to throw. */
export type Answer = unknown | { throws: Error };

/**
 * A requester whose answers are given per endpoint prefix, in order; every
 * call is recorded as [endpoint, init].
 */
export function scripted(script: Record<string, Answer[]>) {
  const calls: [string, RequestInit | undefined][] = [];
  const request = jest.fn(async (endpoint: string, init?: RequestInit) => {
    calls.push([endpoint, init]);
    const key = Object.keys(script)
      .sort((a, b) => b.length - a.length)
      .find(prefix => endpoint.startsWith(prefix));
    const queue = key ? script[key] : undefined;
    if (!queue || queue.length === 0) {
      throw new Error(`no answer scripted for ${endpoint}`);
    }
    const answer = queue.length > 1 ? queue.shift() : queue[0];
    if (answer && typeof answer === 'object' && 'throws' in answer) {
      throw (answer as { throws: Error }).throws;
    }
    return answer;
  });
  return {
    calls,
    client: {
      request: request as unknown as <T>(
        endpoint: string,
        init?: RequestInit
      ) => Promise<T>
    }
  };
}

/** A Storage stand-in. */
export function memoryStorage(): Storage {
  const data = new Map<string, string>();
  return {
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, value),
    removeItem: (key: string) => void data.delete(key),
    clear: () => data.clear(),
    key: (i: number) => [...data.keys()][i] ?? null,
    get length() {
      return data.size;
    }
  };
}
