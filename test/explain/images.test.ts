import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { IMAGE_NAMES } from '../../src/explain/content.ts';
import { crashTimelineOption, loadCrashPoints, usdBillions, walkthroughImage } from '../../src/explain/images.ts';
import { renderChartSvg } from '../../src/render/chart.ts';
import { renderWorker } from '../../src/render/render-worker.ts';

after(() => renderWorker.stop());

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

for (const name of IMAGE_NAMES) {
  test(`${name} renders as a 960×540 PNG in English and Vietnamese`, async () => {
    const [en, vi] = await Promise.all([walkthroughImage(name, 'en'), walkthroughImage(name, 'vi')]);
    for (const image of [en, vi]) {
      assert.deepEqual([...image.png.subarray(0, 8)], PNG_SIGNATURE);
      assert.equal(image.png.readUInt32BE(16), 960);
      assert.equal(image.png.readUInt32BE(20), 540);
      assert.equal(image.filename, `${name}.png`);
    }
    assert.notDeepEqual(en.png, vi.png, 'labels are in the reader’s language');
    assert.notEqual(en.alt, vi.alt);
    for (const image of [en, vi]) {
      assert.ok(image.alt.length > 40, `alt text says what the picture shows: "${image.alt}"`);
      assert.doesNotMatch(image.alt, /[{}]|explain\.image/, 'alt text has no unfilled parameter or raw key');
    }
    assert.match(vi.alt, /[ạảãáàâầấậẩẫăằắặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữịỉĩíìọỏõóòụủũúùỵỷỹýỳ]/i, 'the Vietnamese alt text is Vietnamese');
  });
}

test('the crash timeline draws only the cited points and says it is reconstructed', () => {
  const points = loadCrashPoints();
  assert.equal(points.btcHigh.price, 122_574);
  assert.equal(points.btcLow.price, 104_782);
  const svg = renderChartSvg(crashTimelineOption('en'));
  assert.ok(svg.includes('Reconstructed from reported points'));
  assert.ok(svg.includes('$122,574') && svg.includes('$104,782'));
  assert.ok(svg.includes('20:50 UTC') && svg.includes('21:15 UTC'));
  assert.ok(svg.includes('$3.21B') && svg.includes('$6.93B') && svg.includes('$19.13B'));
  const viSvg = renderChartSvg(crashTimelineOption('vi'));
  assert.ok(viSvg.includes('122.574 USD') && viSvg.includes('Dựng lại từ các mốc được công bố'));
  assert.equal(usdBillions(19_130_000_000, 'vi'), '19,13 tỷ USD');
});
