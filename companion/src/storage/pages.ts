/** One item at a time out of pages: the row-by-row iteration every store offers beside its pages. */
export async function* flatten<T>(pages: AsyncIterable<readonly T[]>): AsyncGenerator<T, void, undefined> {
  for await (const page of pages) yield* page;
}
