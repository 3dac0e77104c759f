/**
 * Offers `text` as a file download named `name` (a Blob behind a temporary link), as a browser page
 * does; in the app, Electron shows its save dialog. The object URL is released once the download
 * had time to start.
 */
export function saveFile(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoking at once can cancel the download in some engines; a minute is ample and costs nothing.
  window.setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 60_000);
}
