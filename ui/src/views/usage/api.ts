// The usage commands, typed by the shapes of src/usage/view.rs until the generated `Commands`
// carry them: then `call` from ../../api replaces this file.
import { invoke } from '@tauri-apps/api/core';
import { toApiError } from '../../api';
import type { CustomerUsage, ExportedFile, FleetUsage, PriceBook } from './types';

type UsageCommands = {
  usage_fleet: { args: { days: number }; result: FleetUsage };
  usage_customer: { args: { slug: string; days: number }; result: CustomerUsage };
  usage_csv: { args: { days: number }; result: ExportedFile };
  price_book: { args: Record<string, never>; result: PriceBook };
  set_price_book: { args: { book: PriceBook }; result: PriceBook };
};

export async function usageCall<K extends keyof UsageCommands>(cmd: K, args: UsageCommands[K]['args']): Promise<UsageCommands[K]['result']> {
  try {
    return await invoke<UsageCommands[K]['result']>(cmd, args as Record<string, unknown>);
  } catch (e) {
    throw toApiError(e);
  }
}
