// Beijing time (UTC+8, no daylight saving) for display, computed by fixed
// offset so it is right whatever zone the wall PC is set to.
import { now } from './api.js';

const pad = (n) => String(n).padStart(2, '0');

export function beijing(ms = now()) {
  const d = new Date(ms + 8 * 3600e3);
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
    hm: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
  };
}

// 3725 s → "1:02:05"; minutes and seconds always shown.
export function duration(s) {
  s = Math.max(0, Math.floor(s));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  return (h ? `${h}:${pad(m)}` : `${m}`) + `:${pad(s % 60)}`;
}

// "3 分钟前" style age for positions.
// A fix stamped a little ahead of our clock is "just now", never "-1 秒前".
export function age(s) {
  if (s == null) return '无定位';
  if (s < 10) return '刚刚';
  if (s < 60) return `${Math.floor(s)} 秒前`;
  if (s < 3600) return `${Math.floor(s / 60)} 分钟前`;
  if (s < 86400) return `${Math.floor(s / 3600)} 小时前`;
  return `${Math.floor(s / 86400)} 天前`;
}

// One ticker for the whole page: the clock, countdowns and staleness all
// redraw on it, so there is never more than one timer running.
const tickers = new Set();
export function onTick(fn) { tickers.add(fn); return () => tickers.delete(fn); }
setInterval(() => { for (const fn of tickers) fn(now()); }, 1000);

export function startClock(el) {
  const t = el.querySelector('time'), d = el.querySelector('.date');
  const draw = () => { const b = beijing(); t.textContent = b.time; d.textContent = b.date; };
  draw();
  onTick(draw);
}
