// A dialog built from an analysis's parameter declaration (the same declaration the command
// line builds its options and --help from): one input per parameter, with its Chinese title,
// default, range and choices.
#pragma once
#include <QDialog>
#include <QString>
#include <map>
#include <string>

#include "analysis/analysis.hpp"

class QFormLayout;
class QLabel;

namespace ruralatlas::app {

class AnalysisDialog : public QDialog {
    Q_OBJECT
public:
    // `defaultOut`: where output-path parameters point unless changed.
    AnalysisDialog(const analysis::AnalysisSpec& spec, const QString& defaultOut, QWidget* parent = nullptr);

    // Raw values (option name -> text; flags "1"), as the command line would pass them.
    std::map<std::string, std::string> values() const;
    // Sets an input by parameter name (tests, remembered settings); false when unknown.
    bool setValue(const std::string& name, const QString& value);
    QWidget* input(const std::string& name) const;

private:
    const analysis::AnalysisSpec& m_spec;
    std::map<std::string, QWidget*> m_inputs;
    QLabel* m_error = nullptr;
};

}  // namespace ruralatlas::app
