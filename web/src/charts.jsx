// charts.jsx — two small SVG charts (no chart library): vertical bars for revenue by month and
// horizontal bars for AR aging. Values are exact decimal strings; bar heights are proportions only.
import { useEffect, useRef, useState } from 'preact/hooks';
import { moneyShort, money, toUnits } from './format.js';

function ratio(v, max) {
  if (max === 0n) return 0;
  return Number((v * 10000n) / max) / 10000;
}

export function BarChart({ data, currency, label }) {
  // data: [{label, value (string)}]
  const units = data.map((d) => toUnits(d.value, 2));
  const max = units.reduce((a, b) => (b > a ? b : a), 0n);
  // drawn at the container's own width, so text is never stretched
  const ref = useRef(null);
  const [W, setW] = useState(640);
  useEffect(() => {
    const el = ref.current;
    const ro = new ResizeObserver(() => setW(Math.max(240, el.clientWidth)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const H = 220, padL = 52, padB = 28, padT = 10;
  const narrow = W < 480;
  const bw = (W - padL) / data.length;
  const ticks = [0, 0.5, 1];
  return (
    <figure class="chart" ref={ref}>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={label}>
        {ticks.map((t) => {
          const y = padT + (H - padT - padB) * (1 - t);
          const val = max === 0n ? '0' : (max * BigInt(Math.round(t * 100)) / 100n / 100n).toString();
          return (
            <g key={t}>
              <line x1={padL} x2={W} y1={y} y2={y} class="grid" />
              <text x={padL - 8} y={y + 4} class="axis" text-anchor="end">{moneyShort(val, currency)}</text>
            </g>
          );
        })}
        {data.map((d, i) => {
          const h = (H - padT - padB) * ratio(units[i], max);
          const x = padL + i * bw + bw * 0.18;
          return (
            <g key={i}>
              <rect x={x} y={H - padB - h} width={bw * 0.64} height={Math.max(h, units[i] > 0n ? 2 : 0)} rx="3" class={i === data.length - 1 ? 'bar bar-current' : 'bar'}>
                <title>{d.label}: {money(d.value, currency)}</title>
              </rect>
              {(!narrow || (data.length - 1 - i) % 2 === 0) && <text x={x + bw * 0.32} y={H - 8} class="axis" text-anchor="middle">{d.short || d.label}</text>}
            </g>
          );
        })}
      </svg>
      <table class="sr-only"><caption>{label}</caption><tbody>{data.map((d) => <tr key={d.label}><th scope="row">{d.label}</th><td>{money(d.value, currency)}</td></tr>)}</tbody></table>
    </figure>
  );
}

export function HBars({ data, currency, label }) {
  const units = data.map((d) => toUnits(d.value, 2));
  const max = units.reduce((a, b) => (b > a ? b : a), 0n);
  return (
    <div class="hbars" role="table" aria-label={label}>
      {data.map((d, i) => (
        <div class="hbar-row" role="row" key={d.label}>
          <div class="hbar-label" role="rowheader">{d.label}</div>
          <div class="hbar-track" role="cell" aria-hidden="true">
            <div class={'hbar-fill tone-' + (d.tone || i)} style={{ width: `${Math.max(ratio(units[i], max) * 100, units[i] > 0n ? 1.5 : 0)}%` }} />
          </div>
          <div class="hbar-value num" role="cell">{money(d.value, currency)}</div>
        </div>
      ))}
    </div>
  );
}
