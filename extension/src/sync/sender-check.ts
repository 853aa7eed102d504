/** The part of `runtime.MessageSender` the check needs. */
export interface PageSender {
  id?: string;
  url?: string;
}

/**
 * Only the extension's own pages (options, popup) may pair, reconfigure or run sync; never a content
 * script, which runs in a chat site's process and may be under that site's control.
 */
export function isExtensionPage(sender: PageSender, runtimeId: string, pageOrigin: string): boolean {
  return sender.id === runtimeId && sender.url?.startsWith(pageOrigin) === true;
}
