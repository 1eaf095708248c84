/** Every product of a kit, in build order. Adding a product: one module and one line here. */
import type { Product, Rendered, RenderedFile } from "./product.js";
import { dataCards } from "./data-cards/draw.js";
import { diagrams } from "./diagrams/draw.js";
import { presenter } from "./presenter/draw.js";
import { roleCards } from "./role-cards/draw.js";
import { facilitatorScript } from "./script/draw.js";

export const PRODUCTS: readonly Product<Rendered | RenderedFile>[] = [
  roleCards,
  dataCards,
  facilitatorScript,
  diagrams,
  presenter,
];
