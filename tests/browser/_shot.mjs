import { serve, launch, openPage, waitReady } from './support.mjs';
const dir = process.argv[2], prefix = process.argv[3];
const server = await serve(dir);
const browser = await launch();
for (const [w, h] of [[390, 844], [1280, 800]]) {
  const { page, context } = await openPage(browser, server.url + 'index.html?account=sub', { viewport: { width: w, height: h } });
  await page.screenshot({ path: `${prefix}-home-${w}.png`, fullPage: true });
  await page.goto(server.url + 'cancel/index.html'); await waitReady(page);
  await page.check('#step-id-photos');
  await page.screenshot({ path: `${prefix}-cancel-${w}.png`, fullPage: true });
  await page.click('#step-admin-confirm').catch(() => {});
  await page.goto(server.url + 'checklist/index.html'); await waitReady(page);
  await page.screenshot({ path: `${prefix}-overview-${w}.png`, fullPage: true });
  await page.goto(server.url + 'cancel/index.html'); await waitReady(page);
  await page.click('#step-cancel-request');
  await page.screenshot({ path: `${prefix}-dialog-${w}.png` });
  await context.close();
}
await browser.close(); await server.close();
