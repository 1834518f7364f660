// Drives Debian's Chromium (playwright-core, no browser download) through relu0's page:
//   (a) WebGPU (SwiftShader): the f16 volume preset, small, autorun: f16 falls back to f32
//       with a notice, the run finishes with a complete, consistent report, the page is drawn;
//   (b) no WebGPU: the same link runs on the CPU back end in WebAssembly;
//   (c) a corrupt IDX file given to the file input shows an error and the app stays usable.
// Usage: node web/test.mjs URL OUT_DIR   (scripts/web-test.sh serves dist/ and calls this)
import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";
import os from "node:os";

const [base, outDir] = process.argv.slice(2);
if (!base || !outDir) {
  console.error("usage: node web/test.mjs URL OUT_DIR");
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const common = [
  "--headless", "--no-sandbox", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
const webgpu = [
  "--enable-unsafe-webgpu", "--enable-features=Vulkan", "--use-vulkan=swiftshader",
  "--use-angle=swiftshader",
];
const link = "?preset=2&draws=3&max_batches=4&autorun=1";
const results = {};
let failures = 0;

function check(name, ok, detail) {
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? ": " + detail : ""}`);
  if (!ok) failures += 1;
}

async function open(flags) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "relu0-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath, headless: true, args: [...common, ...flags],
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (m) => { if (m.type() === "error") console.log("  page:", m.text()); });
  page.on("pageerror", (e) => console.log("  page error:", String(e)));
  return { context, page };
}

const state = (page) => page.evaluate(() => JSON.parse(JSON.stringify(window.__relu0 ?? {})));

async function waitFor(page, predicate, seconds) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const s = await state(page);
    if (predicate(s)) return s;
    if (Date.now() > deadline) return s;
    await page.waitForTimeout(250);
  }
}

// Grey-level spread and distinct colours of a PNG, decoded by the browser itself.
async function pixelStats(page, png) {
  return page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/png" }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext("2d");
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    let sum = 0, sum2 = 0, n = 0;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4 * 7) {
      const g = (data[i] + data[i + 1] + data[i + 2]) / (3 * 255);
      sum += g; sum2 += g * g; n += 1;
      colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    }
    const mean = sum / n;
    return { spread: Math.sqrt(Math.max(0, sum2 / n - mean * mean)), colours: colours.size };
  }, png.toString("base64"));
}

async function volumeRun(name, flags, expectGpu) {
  const { context, page } = await open(flags);
  const started = Date.now();
  await page.goto(base + "/" + link);
  const first = await waitFor(page, (s) => s.frames > 0 || s.state === "failed", 120);
  const firstFrameS = (Date.now() - started) / 1000;
  const s = await waitFor(page, (s) => ["finished", "failed", "panicked", "stopped"].includes(s.state), 600);
  const finishS = (Date.now() - started) / 1000;
  await page.waitForTimeout(500);
  const png = await page.screenshot();
  fs.writeFileSync(path.join(outDir, `${name}.png`), png);
  const pixels = await pixelStats(page, png);
  const summary = s.last_summary ?? {};
  results[name] = {
    machine: s.machine, device: s.device, notices: s.notices, state: s.state,
    first_frame_s: firstFrameS, first_frame_ms_in_page: first.first_frame_ms,
    finish_s: finishS, frames: s.frames, pixels,
    summary: { precision: summary.precision, device: summary.device, draws: summary.draws,
      in_s01: summary.in_s01, first_diff_batch: summary.first_diff_batch,
      verify: summary.verify, elapsed_s: summary.elapsed_s },
  };
  check(`${name}: run finished`, s.state === "finished", `${s.state} ${s.message ?? ""}`);
  check(`${name}: 3 draws reported`, summary.draws === 3 && summary.first_diff_batch?.length === 3,
    JSON.stringify(summary.first_diff_batch));
  // A draw is in S01 when some batch's twin gradients differed.
  check(`${name}: share consistent`, summary.in_s01 <= 3 && summary.in_s01 ===
    summary.first_diff_batch?.filter((b) => b !== null).length, `in_s01 ${summary.in_s01}`);
  check(`${name}: 0-vs-0 control holds`, summary.verify?.control_mismatches === 0,
    JSON.stringify(summary.verify));
  check(`${name}: f64 not used, f16 fell back to f32`, summary.precision === "f32");
  check(`${name}: fallback notice shown`,
    (s.notices ?? []).some((n) => n.startsWith("f16 unavailable")), JSON.stringify(s.notices));
  check(`${name}: ran on the ${expectGpu ? "GPU" : "CPU"}`,
    summary.device === (expectGpu ? "gpu" : "cpu"), `${summary.device} (${s.device})`);
  check(`${name}: screenshot not blank`, pixels.spread > 0.02 && pixels.colours > 20,
    JSON.stringify(pixels));
  await context.close();
}

async function corruptFile() {
  const { context, page } = await open(webgpu);
  await page.goto(base + "/");
  await waitFor(page, (s) => s.frames > 0, 120);
  await page.setInputFiles("#relu0-files", [
    { name: "train-images-idx3-ubyte", mimeType: "application/octet-stream",
      buffer: Buffer.from([0, 0, 8, 3, 0, 0, 0, 9]) },
    { name: "train-labels-idx1-ubyte", mimeType: "application/octet-stream",
      buffer: Buffer.from([0, 0, 8, 1, 0, 0, 0, 1, 7]) },
  ]);
  const s = await waitFor(page, (s) => !!s.error, 60);
  await page.waitForTimeout(300);
  fs.writeFileSync(path.join(outDir, "corrupt-file.png"), await page.screenshot());
  results.corrupt_file = { error: s.error, state: s.state };
  check("corrupt file: error shown naming the file",
    typeof s.error === "string" && s.error.includes("train-images-idx3-ubyte"), s.error);
  check("corrupt file: app still alive", s.state === "idle", s.state);
  await context.close();
}

try {
  await volumeRun("webgpu", webgpu, true);
  await volumeRun("cpu-fallback", [], false);
  await corruptFile();
} catch (e) {
  check("browser test ran", false, String(e));
}
fs.writeFileSync(path.join(outDir, "web-test.json"), JSON.stringify(results, null, 2));
console.log(failures === 0 ? "web test: all checks passed" : `web test: ${failures} checks failed`);
process.exit(failures === 0 ? 0 : 1);
