/* SPDX-License-Identifier: MIT */
/*
 * report_css.c - the style sheet of the HTML reports (report_html.h), in
 * one place. System fonts only; verdicts carry a mark and a word beside
 * their colour (blue and orange, told apart by every common form of colour
 * blindness); in print, A4 pages, each section on a page of its own, and
 * nothing that needs colour to be read.
 */
#include "report_html.h"

const char report_html_css[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
	"line-height:1.4;margin:0 auto;max-width:72em;padding:0 1em;color:#111;background:#fff}"
	"header{border-bottom:2px solid #333;margin-bottom:1em}"
	"h1{font-size:1.6em}h2{font-size:1.3em;border-bottom:1px solid #999}h3{font-size:1.05em}"
	"table{border-collapse:collapse;margin:.5em 0 1em;width:100%}"
	"caption{text-align:left;font-weight:bold;padding:.3em 0}"
	"th,td{border:1px solid #999;padding:.2em .4em;text-align:left;vertical-align:top}"
	"thead th{background:#eee}"
	/* code, a check and its source in a cell may break anywhere (a path, a
	 * pattern, a URL): no table is wider than an 800 px window */
	"td code,td.what,td.cite{overflow-wrap:anywhere}"
	"code,.digest{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}"
	".digest{word-break:break-all}"
	"dl.summary{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}"
	"dl.summary dt{font-weight:bold}dl.summary dd{margin:0}"
	".cite{font-style:italic}.none{color:#555}"
	".ok{color:#0b4f9c;font-weight:bold}"
	".bad{color:#b35900;font-weight:bold}"
	".warn{color:#6b4e00;font-weight:bold}"
	"table.heat{width:auto;font-size:.8em}table.heat td{white-space:nowrap}"
	"div.graph{overflow-x:auto;margin:.5em 0}svg.graph{display:block}"
	"div.wide{overflow-x:auto}"
	"@page{size:A4;margin:18mm 15mm}"
	"@media print{"
	"body{max-width:none;padding:0;font-size:10pt;color:#000}"
	"section{break-before:page;page-break-before:always}"
	".ok,.bad,.warn,.none{color:#000}thead th{background:none}"
	"table{page-break-inside:auto}tr{page-break-inside:avoid}"
	"div.graph{overflow:visible}svg.graph{max-width:100%;height:auto}"
	"div.wide{overflow:visible}"
	"}";
