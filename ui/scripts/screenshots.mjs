// Screenshots of the built UI with the fake backend: `node scripts/screenshots.mjs [out-dir]`
// (default ../docs). Needs `npm run build` first.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openApp, startPreview } from '../tests/lib/harness.mjs';

const out = path.resolve(process.argv[2] ?? fileURLToPath(new URL('../../docs/', import.meta.url)));
const server = await startPreview();
const browser = await launchBrowser();
try {
  const { page, close } = await openApp(browser, server.url, { examples: true }, { viewport: { width: 1280, height: 800 } });
  await page.getByTestId('customer-row').nth(11).waitFor();
  await page.screenshot({ path: path.join(out, 'ui-list-mock.png') });
  await page.locator('[data-slug="asas-bageri-cafe-ab"]').click();
  await page.getByTestId('link-production').waitFor();
  await page.screenshot({ path: path.join(out, 'ui-customer-mock.png') });
  await page.getByTestId('edit-customer').click();
  await page.getByTestId('field-admin_email').fill('asa@');
  await page.getByTestId('field-error-admin_email').waitFor();
  await page.screenshot({ path: path.join(out, 'ui-form-mock.png') });
  await close();
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
  await server.stop();
}
