#include "error.hpp"

namespace ruralatlas {

std::string Location::describe() const {
    std::string out;
    auto add = [&out](const std::string& part) {
        if (part.empty()) return;
        if (!out.empty()) out += ", ";
        out += part;
    };
    add(file);
    if (!layer.empty()) add("layer " + layer);
    add(feature);
    if (!field.empty()) add("field " + field);
    return out;
}

static std::string compose(const Location& where, const std::string& what) {
    const std::string place = where.describe();
    return place.empty() ? what : place + ": " + what;
}

DataError::DataError(Location where, const std::string& what)
    : std::runtime_error(compose(where, what)), m_where(std::move(where)), m_detail(what) {}

}  // namespace ruralatlas
