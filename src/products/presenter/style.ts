/** The presenter page's style: a fixed 1920 × 1080 stage scaled to the window, so nothing moves between steps. */
export const STYLE = `
*{box-sizing:border-box;margin:0;padding:0}
html,body{height:100%;overflow:hidden}
body{background:var(--back);color:var(--ink);font-family:Atkinson,system-ui,sans-serif}
body[data-theme=light]{--back:#f4f4f1;--ink:#111;--soft:#555;--panel:#fff;--rule:#d0d0cc;--accent:#0072B2;--mark:#E69F00;--chip:#e4e4df}
body[data-theme=dark]{--back:#121417;--ink:#f2f2ee;--soft:#a9adb3;--panel:#fff;--rule:#33373d;--accent:#56B4E9;--mark:#E69F00;--chip:#262a30}
.stage{position:absolute;left:50%;top:50%;width:1920px;height:1080px;transform-origin:0 0;overflow:hidden}
body[data-view=projector] #facilitator, body[data-view=facilitator] #projector{display:none}
.screen,.notes{position:absolute;inset:0}
[hidden]{display:none!important}
h1,h2,.bold{font-family:"Atkinson-Bold",Atkinson,system-ui,sans-serif;font-weight:normal}
.top{position:absolute;left:64px;right:64px;top:36px;height:150px}
.section{font-size:30px;color:var(--soft);white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.top h1{font-size:64px;line-height:1.1;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;margin-top:6px}
.top h1 .num{color:var(--accent);margin-right:.35em}
.moment{position:absolute;right:0;top:0;font-size:30px;color:var(--soft)}
.diagram{position:absolute;left:64px;top:200px;width:1214px;height:820px;background:var(--panel);border-radius:18px;padding:8px}
.diagram svg{width:100%;height:100%;display:block}
.watch{position:absolute;left:1310px;right:64px;top:200px;height:820px;display:flex;flex-direction:column}
.watch h2{font-size:40px;color:var(--accent);margin-bottom:18px;flex:none}
.watch ul{list-style:none;flex:1;overflow:hidden;font-size:36px;line-height:1.25}
.watch li{margin-bottom:.55em;padding-left:.9em;text-indent:-.9em}
.watch li::before{content:"•";display:inline-block;width:.9em;text-indent:0;color:var(--soft)}
.watch li.changed::before{content:"▸";color:var(--mark)}
.watch li.changed{font-family:"Atkinson-Bold",Atkinson,sans-serif}
.big{position:absolute;left:140px;right:140px;top:200px;bottom:160px;display:flex;flex-direction:column;justify-content:center}
.big h1{font-size:96px;line-height:1.05;margin-bottom:40px}
.big .lines{font-size:44px;line-height:1.3;overflow:hidden;max-height:560px}
.big .lines p{margin-bottom:.5em}
.bar{position:absolute;left:0;right:0;bottom:0;height:10px;background:var(--chip)}
.bar i{display:block;height:100%;background:var(--accent);width:0}
.count{position:absolute;right:64px;bottom:20px;font-size:24px;color:var(--soft);font-family:Mono,monospace}
.hint{position:absolute;left:64px;bottom:20px;font-size:22px;color:var(--soft)}
#facilitator .left{position:absolute;left:56px;top:40px;width:1170px;bottom:60px;display:flex;flex-direction:column}
#facilitator .head{flex:none}
#facilitator .head .section{font-size:26px}
#facilitator .head h1{font-size:48px;line-height:1.1;margin:6px 0 8px}
#facilitator .timing{font-size:28px;color:var(--accent);font-family:Mono,monospace;margin-bottom:18px}
#facilitator .body{flex:1;overflow:hidden;font-size:32px;line-height:1.3}
#facilitator .body h2{font-size:24px;letter-spacing:.08em;text-transform:uppercase;color:var(--soft);margin:14px 0 4px}
#facilitator .body p,#facilitator .body li{margin-bottom:.3em}
#facilitator .body ul{list-style:none}
#facilitator .body .who{font-family:"Atkinson-Bold",Atkinson,sans-serif}
#facilitator .body .extra{font-size:.8em;color:var(--soft)}
#facilitator .right{position:absolute;left:1270px;right:48px;top:40px;bottom:60px}
.clock{font-family:Mono,monospace;font-size:120px;line-height:1}
.plan{font-size:30px;margin-top:10px;color:var(--soft);font-family:Mono,monospace}
.plan.late{color:#D55E00}
.preview{margin-top:30px;height:420px;background:var(--panel);border-radius:12px;padding:6px}
.preview svg{width:100%;height:100%;display:block}
.next{margin-top:26px;font-size:30px;color:var(--soft)}
.next b{display:block;color:var(--ink);font-family:"Atkinson-Bold",Atkinson,sans-serif;font-weight:normal;font-size:34px;margin-top:6px}
.keys{position:absolute;bottom:0;font-size:20px;color:var(--soft);line-height:1.4}
.keys .count{position:static;font-size:20px}
`;
