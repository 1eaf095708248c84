/**
 * The duplex calibration sheet: a cross on the front, a millimetre scale on the back. Held
 * against a window, front facing you, the front's cross falls on the back's scale at the very
 * numbers to pass to --back-offset. (Long-edge duplex mirrors x: a back printed s mm off lands
 * the cross at −s, which is the correction.)
 */
import { createDocument, finish, FONT, type FontSet } from "./pdf.js";
import type { Options } from "../options.js";
import { COLOURS, mm, PAPER } from "./units.js";

export async function calibrationSheet(options: Options, fonts: FontSet): Promise<{ pdf: Uint8Array; pages: number }> {
  const edge = options.duplex.edge;
  const sheet = PAPER[options.paper];
  const doc = createDocument(
    fonts,
    options.date,
    { title: "replikit duplex calibration", subject: "calibration", keywords: options.paper },
    sheet,
  );
  const cx = sheet.width / 2;
  const cy = sheet.height / 2;

  doc.addPage();
  doc.save().lineWidth(0.3).strokeColor(COLOURS.black);
  doc
    .moveTo(cx - mm(15), cy)
    .lineTo(cx + mm(15), cy)
    .stroke();
  doc
    .moveTo(cx, cy - mm(15))
    .lineTo(cx, cy + mm(15))
    .stroke();
  doc.restore();
  doc.font(FONT.bold).fontSize(18).fillColor(COLOURS.black).text("Duplex calibration", mm(20), mm(20));
  doc
    .font(FONT.regular)
    .fontSize(11.5)
    .text(
      [
        `1. Print this file double-sided, flipping on the ${edge} edge, on the printer you will use for the kit.`,
        "2. Hold the sheet against a window or a lamp with this side facing you.",
        "3. Find where this cross's centre falls on the scale printed on the back: read X on the horizontal scale and Y on the vertical one, in millimetres.",
        `4. Build with: replikit build${edge === "short" ? " --duplex short" : ""} --back-offset X,Y  (for example --back-offset 1.5,-0.5). 0,0 means your printer needs no correction.`,
      ].join("\n\n"),
      mm(20),
      mm(32),
      { width: sheet.width - mm(40), lineGap: 3 },
    );

  doc.addPage();
  // Drawn in the front's coordinates, mirrored onto the back (left-right for a long-edge turn,
  // top-bottom for a short-edge one), so that from the front, through the paper, the scales sit
  // under the cross's arms and read the right way round. Along the mirrored axis a back printed
  // s mm off appears −s mm off, so the tick under the cross reads −s: the correction. Along the
  // other axis the reading is negated for the same result.
  const long = edge === "long";
  if (long) doc.save().translate(sheet.width, 0).scale(-1, 1);
  else doc.save().translate(0, sheet.height).scale(1, -1);
  const xSign = long ? -1 : 1;
  doc.lineWidth(0.3).strokeColor(COLOURS.blue).fillColor(COLOURS.blue);
  const along = mm(10);
  doc
    .moveTo(cx - mm(5), cy + along)
    .lineTo(cx + mm(5), cy + along)
    .stroke();
  doc
    .moveTo(cx + along, cy - mm(5))
    .lineTo(cx + along, cy + mm(5))
    .stroke();
  for (let k = -10; k <= 10; k++) {
    const d = mm(k / 2);
    const len = mm(k % 2 === 0 ? (k % 4 === 0 ? 4 : 3) : 1.5);
    doc
      .moveTo(cx + d, cy + along)
      .lineTo(cx + d, cy + along - len)
      .stroke();
    doc
      .moveTo(cx + along, cy + d)
      .lineTo(cx + along - len, cy + d)
      .stroke();
    if (k % 4 === 0) {
      doc.font(FONT.regular).fontSize(7);
      doc.text(String(xSign * (k / 2) || 0), cx + d - mm(3), cy + along + mm(1), {
        width: mm(6),
        align: "center",
        lineBreak: false,
      });
      doc
        .fontSize(5.5)
        .text(String(-xSign * (k / 2) || 0), cx + along + mm(1), cy + d - mm(0.9), { width: mm(6), lineBreak: false });
    }
  }
  doc
    .font(FONT.bold)
    .fontSize(8)
    .text("X (mm)", cx - mm(5), cy + along + mm(5), { width: mm(10), align: "center", lineBreak: false });
  doc.text("Y (mm)", cx + along + mm(6), cy - mm(7), { width: mm(14), lineBreak: false });
  doc.restore();
  return finish(doc);
}
