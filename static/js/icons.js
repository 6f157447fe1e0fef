// Map icons drawn at run time on a canvas (no sprite sheet to ship, and
// canvas text uses the system's CJK font, which MapLibre's own text would
// need glyph files for). An icon's name says how to draw it:
// "ic:<shape>:<fill hex>:<text>", so style expressions can pick any colour
// and the map asks for each distinct icon once (styleimagemissing).

const SIZE = 44;

function path(ctx, shape, s) {
  const m = s / 2;
  ctx.beginPath();
  switch (shape) {
    case 'tri': ctx.moveTo(m, 3); ctx.lineTo(s - 3, s - 5); ctx.lineTo(3, s - 5); ctx.closePath(); break;
    case 'sq': ctx.roundRect(5, 5, s - 10, s - 10, 6); break;
    case 'dia': ctx.moveTo(m, 3); ctx.lineTo(s - 3, m); ctx.lineTo(m, s - 3); ctx.lineTo(3, m); ctx.closePath(); break;
    // A chevron pointing east: placed along a line, it turns with it.
    case 'arrow': ctx.moveTo(6, 8); ctx.lineTo(s - 6, m); ctx.lineTo(6, s - 8); ctx.lineTo(s * 0.38, m); ctx.closePath(); break;
    case 'house': ctx.moveTo(m, 3); ctx.lineTo(s - 4, m - 3); ctx.lineTo(s - 6, s - 5); ctx.lineTo(6, s - 5); ctx.lineTo(4, m - 3); ctx.closePath(); break;
    default: ctx.arc(m, m, m - 4, 0, Math.PI * 2);
  }
}

export function drawIcon(name) {
  const [, shape, fill, text = ''] = name.split(':');
  const ratio = Math.min(2, window.devicePixelRatio || 1);
  const s = SIZE * ratio;
  const c = document.createElement('canvas');
  c.width = c.height = s;
  const ctx = c.getContext('2d');
  path(ctx, shape, s);
  ctx.fillStyle = `#${fill}`;
  ctx.fill();
  ctx.lineWidth = 2.5 * ratio;
  ctx.strokeStyle = '#0b1118';
  ctx.stroke();
  if (text) {
    ctx.fillStyle = luminance(fill) > 0.55 ? '#0b1118' : '#ffffff';
    ctx.font = `bold ${Math.round(s * (shape === 'tri' ? 0.36 : 0.42))}px "Noto Sans CJK SC", "Noto Sans SC", sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(decodeURIComponent(text), s / 2, s * (shape === 'tri' ? 0.62 : 0.52));
  }
  return { image: ctx.getImageData(0, 0, s, s), ratio };
}

function luminance(hex) {
  const n = parseInt(hex, 16);
  return (0.299 * (n >> 16) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255)) / 255;
}

// Every icon the style uses is added before the layers that use it, so the
// map never asks for a missing one (and never warns that it "could not be
// loaded"); styleimagemissing stays for any name a later style adds.
export function installIcons(map, names = []) {
  const add = (id) => {
    if (!id.startsWith('ic:') || map.hasImage(id)) return;
    const { image, ratio } = drawIcon(id);
    map.addImage(id, image, { pixelRatio: ratio });
  };
  for (const id of names) add(id);
  map.on('styleimagemissing', (e) => add(e.id));
}
