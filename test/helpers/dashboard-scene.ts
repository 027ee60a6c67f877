import type { Browser } from 'playwright-core';
import { expect } from 'vitest';
import { createDashboardUser } from '../../src/domain/dashboard/auth';
import { launchBrowser } from './browser';
import { startHarness, startTestWebhookWorker, type Harness, type TestMerchant } from './harness';
import { startReceiver, type Receiver } from './receiver';

/** The dashboard user every browser test of the dashboard signs in as. */
export const DASHBOARD_USER = { email: 'ops@shop.example', password: 'correct horse battery' };

/**
 * What the dashboard's browser tests share: a listening harness (its URL the public one), a
 * merchant with DASHBOARD_USER, a real webhook receiver, the webhook worker and Chromium.
 */
export interface DashboardScene {
  h: Harness;
  merchant: TestMerchant;
  receiver: Receiver;
  worker: Awaited<ReturnType<typeof startTestWebhookWorker>>;
  browser: Browser;
}

export async function startDashboardScene(): Promise<DashboardScene> {
  const scene: Partial<DashboardScene> = {};
  try {
    scene.h = await startHarness();
    await scene.h.listen({ asPublicUrl: true });
    scene.merchant = await scene.h.merchant();
    await createDashboardUser(scene.h.store.db, scene.h.clock.now(), { merchantId: scene.merchant.id, ...DASHBOARD_USER });
    scene.receiver = await startReceiver();
    scene.worker = await startTestWebhookWorker(scene.h);
    scene.browser = await launchBrowser();
    return scene as DashboardScene;
  } catch (error) {
    await stopParts(scene);
    throw error;
  }
}

/** Closes the scene, then checks the webhook worker logged no error while it ran. */
export async function stopDashboardScene(scene: DashboardScene | undefined): Promise<void> {
  if (!scene) return;
  await stopParts(scene);
  expect(scene.worker.errors).toEqual([]);
}

async function stopParts(scene: Partial<DashboardScene>): Promise<void> {
  await scene.browser?.close();
  await scene.worker?.stop();
  await scene.receiver?.close();
  await scene.h?.close();
}
