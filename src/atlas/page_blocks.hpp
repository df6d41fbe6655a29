// The blocks an atlas page is built of, drawn on any QPainter: text boxes, section titles, ruled
// tables, paragraphs, the household bar chart and a legend fitted to its frame.
#pragma once
#include <QColor>
#include <QPainter>
#include <QRectF>
#include <QString>
#include <utility>
#include <vector>

#include "render/renderer.hpp"

namespace ruralatlas::atlas {

// A number with `decimals` places ("—" for NaN).
QString number(double v, int decimals);
void drawTextBox(QPainter& p, const QRectF& r, const QString& text, double sizeMm, bool bold, int align, const QColor& color, double dpi,
                 bool wrap = true);
// Draws a section title at the top of `r`; returns where the content below it starts.
double drawSectionTitle(QPainter& p, const QRectF& r, const QString& title, double sizeMm, double dpi);

struct Table {
    QString title;
    std::vector<QString> header;
    std::vector<double> widths;  // relative
    std::vector<int> align;      // per column
    std::vector<std::vector<QString>> rows;
    QString empty = QStringLiteral("无");
    bool paragraphs = false;  // the first column of each row as a paragraph
};

// Draws a table with a title, a shaded header and ruled rows; rows that do not fit are counted in
// a last line ("另有 N 项").
void drawTable(QPainter& p, const QRectF& r, const Table& t, double sizeMm, double dpi, int maxRows);
// Items as paragraphs under a title; `empty` when there are none.
void drawParagraphs(QPainter& p, const QRectF& r, const QString& title, const std::vector<QString>& items, const QString& empty,
                    double sizeMm, double dpi);
void drawHouseholdBars(QPainter& p, const QRectF& r, const QString& title, const std::vector<std::pair<QString, long long>>& bars,
                       double sizeMm, double dpi, bool villagesWithheld = false);
// A chart of series over categories (a section's SectionChart): lines or side-by-side bars, a
// value axis in the chart's unit from 0 (or the lowest value when negative) to a round maximum,
// the categories under the plot and a key of the series below; `empty` when there is no value.
struct Chart {
    bool bars = false;
    std::vector<QString> categories;
    std::vector<std::pair<QString, std::vector<double>>> series;  // NaN: no value
    QString unit;
};
void drawChart(QPainter& p, const QRectF& r, const QString& title, const Chart& chart, const QString& empty, double sizeMm, double dpi);
// The map's legend, shrunk until it fits the frame.
void drawFittedLegend(QPainter& p, const render::MapRenderer& renderer, const render::RenderReport& report, const QRectF& r, double dpi,
                      bool vector);

}  // namespace ruralatlas::atlas
