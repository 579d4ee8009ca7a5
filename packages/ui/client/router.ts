export interface PageContext {
  /** Route parameters from the hash (`#/run/<id>` → ['<id>']). */
  params: string[];
  /**
   * While `live`, calls `refresh` every 2 s until it resolves false or the page is left
   * (live updates while a run is going; a report never polls).
   */
  poll(live: boolean, refresh: () => Promise<boolean>): void;
}

export type Page = (root: HTMLElement, ctx: PageContext) => Promise<void>;
