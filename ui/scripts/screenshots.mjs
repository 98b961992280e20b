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

  // The customer page's backups (issue #32): the database's and the workflows', with a version
  // that found nothing changed, a restore offered per commit; the deployments with production
  // marked, Supabase's recovery window; the register's ages beside health.
  const backups = await openApp(
    browser,
    server.url,
    {
      examples: true,
      backups: {
        'asas-bageri-cafe-ab': [
          { id: 2, customer_id: 1, environment: 'sandbox', project_ref: 'asasbageri', run_id: 7, reason: 'scheduled', file: 'a/2.fbk', bytes: 48213, sha256: '', key_id: 'k1', schema_version: '0004', created_at: new Date(Date.now() - 3 * 3600e3).toISOString(), seat: 'agency@mock', removed_at: null, slug: 'asas-bageri-cafe-ab', name: "Åsa's Bageri & Café AB", here: true },
          { id: 1, customer_id: 1, environment: 'sandbox', project_ref: 'asasbageri', run_id: 3, reason: 'before_migration', file: 'a/1.fbk', bytes: 47102, sha256: '', key_id: 'k1', schema_version: '0003', created_at: new Date(Date.now() - 50 * 3600e3).toISOString(), seat: 'agency@mock', removed_at: null, slug: 'asas-bageri-cafe-ab', name: "Åsa's Bageri & Café AB", here: true },
        ],
      },
      workflowBackups: {
        'asas-bageri-cafe-ab': [
          { hours_ago: 72, reason: 'provisioned' },
          { hours_ago: 26, reason: 'scheduled' },
          { hours_ago: 2, reason: 'scheduled', unchanged: true },
        ],
        'fjallstugan-boende': [{ hours_ago: 5, reason: 'scheduled' }],
        'cafe-oresund': [{ hours_ago: 80, reason: 'scheduled' }],
      },
      databaseBackups: { 'asas-bageri-cafe-ab': 3, 'fjallstugan-boende': 30, 'cafe-oresund': 4 },
      // Supabase's own backups: Åsa's project has the PITR add-on (the recovery card's window).
      recovery: { 'asas-bageri-cafe-ab': 'pitr' },
    },
    // Tall enough for the whole section (six cards) to be painted in one screenshot.
    { viewport: { width: 1280, height: 1800 } },
  );
  await backups.page.getByTestId('backup-age-cafe-oresund').waitFor();
  await backups.page.locator('[data-slug="asas-bageri-cafe-ab"]').click();
  await backups.page.locator('[data-testid="workflow-backup-row"]').nth(2).waitFor();
  await backups.page.locator('[data-testid="deployment-row"]').nth(2).waitFor();
  await backups.page.getByTestId('recovery-window').waitFor();
  const section = backups.page.locator('.columns').filter({ has: backups.page.getByTestId('workflow-backups-panel') });
  await section.scrollIntoViewIfNeeded();
  await section.screenshot({ path: path.join(out, 'backups.png') });
  await backups.close();

  // Usage (issue #57): the fleet's Användning sorted by margin, and a customer's 90 days as
  // charts, with the days the collection failed drawn as gaps.
  const usage = await openApp(browser, server.url, { examples: true }, { viewport: { width: 1280, height: 1000 } });
  await usage.page.getByTestId('nav-usage').click();
  await usage.page.getByTestId('usage-row').first().waitFor();
  await usage.page.screenshot({ path: path.join(out, 'usage-fleet.png') });
  await usage.page.locator('[data-testid="usage-row"][data-slug="cafe-oresund"]').click();
  await usage.page.getByTestId('usage-chart-emails').locator('canvas').waitFor();
  const panel = usage.page.getByTestId('usage-panel');
  await panel.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: path.join(out, 'usage-customer.png') });
  await usage.close();
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
  await server.stop();
}
