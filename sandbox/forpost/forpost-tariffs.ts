/** A tariff of the `GetTariffs` catalogue. */
export interface ForpostTariff {
  ID: number;
  Name: string;
  Comment?: string;
  Price: number;
}

/**
 * The catalogue a fresh emulator serves. The API has no method to manage tariffs (they are made in
 * the web portal), so the sandbox seeds a fixed set; `ForpostEmulatorOptions.tariffs` replaces it.
 */
export const DEFAULT_TARIFFS: readonly ForpostTariff[] = [
  { ID: 1, Name: "Архив 7 дней", Comment: "Запись в облако, хранение 7 дней", Price: 150 },
  { ID: 2, Name: "Архив 14 дней", Comment: "Запись в облако, хранение 14 дней", Price: 250 },
  { ID: 3, Name: "Архив 30 дней", Comment: "Запись в облако, хранение 30 дней", Price: 400 },
];
