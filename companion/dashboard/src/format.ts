/** `2026-11-01 10:00` in the viewer's time zone. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** Plain symbols rather than emoji, which not every machine has a font for. */
export function thumbLabel(thumb: 'up' | 'down' | null): string {
  return thumb === 'up' ? '▲ up' : thumb === 'down' ? '▼ down' : '';
}
