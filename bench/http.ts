/** One JSON POST on loopback, for checks and statement counts (not for load: see load.ts). */
export interface Answer {
  readonly status: number;
  readonly text: string;
}

export async function postJson(
  url: string,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    signal: AbortSignal.timeout(60_000),
  });
  return { status: response.status, text: await response.text() };
}

/** POSTs and parses; anything but a 200 with a JSON body throws with the answer. */
export async function askJson(url: string, body: string, headers: Readonly<Record<string, string>> = {}): Promise<any> {
  const answer = await postJson(url, body, headers);
  if (answer.status !== 200) throw new Error(`${url} answered ${answer.status}: ${answer.text.slice(0, 2000)}`);
  try {
    return JSON.parse(answer.text);
  } catch {
    throw new Error(`${url} answered 200 with a body that is not JSON: ${answer.text.slice(0, 500)}`);
  }
}
