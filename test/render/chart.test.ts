import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { renderChartPng, renderChartSvg } from '../../src/render/chart.ts';
import { renderWorker } from '../../src/render/render-worker.ts';

after(() => renderWorker.stop());

const option = {
  title: { text: 'Thanh lý dây chuyền — giá phá sản' },
  xAxis: { type: 'category', data: ['20:50', '21:00', '21:15'] },
  yAxis: { type: 'value' },
  series: [{ type: 'line', data: [122_500, 118_000, 104_800] }],
};

test('renders an ECharts option to SVG text with the Vietnamese title intact', () => {
  const svg = renderChartSvg(option, { width: 640, height: 360 });
  assert.match(svg, /^<svg/);
  assert.ok(svg.includes('Thanh lý dây chuyền'));
});

test('converts the chart to a PNG of the requested width, in the render worker', async () => {
  const png = await renderChartPng(option, { width: 640, height: 360 });
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.readUInt32BE(16), 640); // IHDR width
  assert.equal(png.readUInt32BE(20), 360); // IHDR height
});
