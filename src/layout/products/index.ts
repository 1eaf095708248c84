/** Every product of a kit, in build order. Adding a product: one module and one line here. */
import type { Product } from "./product.js";
import { dataCards } from "./data-cards.js";
import { diagrams } from "./diagrams.js";
import { roleCards } from "./role-cards.js";
import { facilitatorScript } from "./script.js";

export const PRODUCTS: readonly Product[] = [roleCards, dataCards, facilitatorScript, diagrams];
