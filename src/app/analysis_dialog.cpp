#include "app/analysis_dialog.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include "app/i18n.hpp"
#include "core/error.hpp"
#include "core/schema.hpp"

namespace ruralatlas::app {

namespace {

bool english() { return QSettings().value("language").toString() == "en"; }

QString choiceTitle(const std::string& param, const std::string& choice) {
    // Facility kinds and statuses show their Chinese titles from the data model.
    for (const char* e : {"facility_kind", "standard_mode"})
        if (const Enumeration* en = findEnumeration(e))
            for (const auto& v : en->values)
                if (v.code == choice && (param == "kind" || param == "mode"))
                    return QString::fromStdString(std::string(v.titleZh)) + " (" + QString::fromStdString(choice) + ")";
    return QString::fromStdString(choice);
}

}  // namespace

AnalysisDialog::AnalysisDialog(const analysis::AnalysisSpec& spec, const QString& defaultOut, QWidget* parent)
    : QDialog(parent), m_spec(spec) {
    setWindowTitle(QString::fromStdString(english() ? spec.titleEn : spec.titleZh));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    layout->addWidget(new QLabel(QString::fromStdString(english() ? spec.titleEn : spec.titleZh + " / " + spec.titleEn)));
    for (const auto& p : spec.params) {
        QWidget* w = nullptr;
        const QString def = p.defaultValue ? QString::fromStdString(*p.defaultValue) : QString();
        switch (p.type) {
            case analysis::ParamType::Choice: {
                auto* c = new QComboBox;
                if (!p.required && !p.defaultValue) c->addItem(T("（默认）"), QString());
                for (const auto& ch : p.choices) c->addItem(choiceTitle(p.name, ch), QString::fromStdString(ch));
                const int i = c->findData(def);
                if (i >= 0) c->setCurrentIndex(i);
                w = c;
                break;
            }
            case analysis::ParamType::Integer: {
                auto* s = new QSpinBox;
                s->setRange(int(p.min.value_or(-1e9)), int(p.max.value_or(1e9)));
                if (!def.isEmpty()) s->setValue(def.toInt());
                w = s;
                break;
            }
            case analysis::ParamType::Real: {
                // Optional numbers stay empty unless typed (the standard applies).
                auto* e = new QLineEdit(def);
                e->setPlaceholderText(p.min && p.max ? QStringLiteral("%1 – %2").arg(*p.min).arg(*p.max) : T("（默认：按标准）"));
                w = e;
                break;
            }
            case analysis::ParamType::Flag: {
                auto* c = new QCheckBox;
                c->setChecked(def == "1" || def == "true");
                w = c;
                break;
            }
            case analysis::ParamType::OutputPath: {
                auto* row = new QWidget;
                auto* h = new QHBoxLayout(row);
                h->setContentsMargins(0, 0, 0, 0);
                auto* e = new QLineEdit(def.isEmpty() ? defaultOut : def);
                e->setObjectName("path");
                auto* b = new QPushButton(T("浏览…"));
                connect(b, &QPushButton::clicked, this, [this, e]() {
                    const QString f = QFileDialog::getSaveFileName(this, T("结果文件"), e->text(), "GeoPackage (*.gpkg);;CSV (*.csv)");
                    if (!f.isEmpty()) e->setText(f);
                });
                h->addWidget(e);
                h->addWidget(b);
                w = row;
                break;
            }
            case analysis::ParamType::Text:
                w = new QLineEdit(def);
                break;
        }
        w->setObjectName(QString::fromStdString(p.name));
        w->setToolTip(QString::fromStdString(p.titleEn + " (--" + p.name + ")"));
        form->addRow(QString::fromStdString(english() ? p.titleEn : p.titleZh) + (p.required ? " *" : ""), w);
        m_inputs[p.name] = w;
    }
    layout->addLayout(form);
    m_error = new QLabel;
    m_error->setStyleSheet("color: #c62828");
    m_error->setWordWrap(true);
    layout->addWidget(m_error);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(T("运行"));
    buttons->button(QDialogButtonBox::Cancel)->setText(T("取消"));
    connect(buttons, &QDialogButtonBox::accepted, this, [this]() {
        // Check with the analysis's own validation before closing.
        try {
            analysis::ParamValues::validate(m_spec, values());
            accept();
        } catch (const UsageError& e) {
            m_error->setText(QString::fromUtf8(e.what()));
        }
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

QWidget* AnalysisDialog::input(const std::string& name) const {
    auto it = m_inputs.find(name);
    return it == m_inputs.end() ? nullptr : it->second;
}

bool AnalysisDialog::setValue(const std::string& name, const QString& value) {
    QWidget* w = input(name);
    if (!w) return false;
    if (auto* c = qobject_cast<QComboBox*>(w)) {
        const int i = c->findData(value);
        if (i < 0) return false;
        c->setCurrentIndex(i);
    } else if (auto* s = qobject_cast<QSpinBox*>(w)) {
        s->setValue(value.toInt());
    } else if (auto* b = qobject_cast<QCheckBox*>(w)) {
        b->setChecked(value == "1");
    } else if (auto* e = qobject_cast<QLineEdit*>(w)) {
        e->setText(value);
    } else if (auto* e2 = w->findChild<QLineEdit*>("path")) {
        e2->setText(value);
    } else {
        return false;
    }
    return true;
}

std::map<std::string, std::string> AnalysisDialog::values() const {
    std::map<std::string, std::string> out;
    for (const auto& p : m_spec.params) {
        QWidget* w = m_inputs.at(p.name);
        QString v;
        if (auto* c = qobject_cast<QComboBox*>(w))
            v = c->currentData().toString();
        else if (auto* s = qobject_cast<QSpinBox*>(w))
            v = QString::number(s->value());
        else if (auto* b = qobject_cast<QCheckBox*>(w)) {
            if (b->isChecked()) out[p.name] = "1";
            continue;
        } else if (auto* e = qobject_cast<QLineEdit*>(w))
            v = e->text().trimmed();
        else if (auto* e2 = w->findChild<QLineEdit*>("path"))
            v = e2->text().trimmed();
        if (!v.isEmpty()) out[p.name] = v.toStdString();
    }
    return out;
}

}  // namespace ruralatlas::app
