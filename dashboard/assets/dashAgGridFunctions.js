// Number formats for the tables, in the user's language. Dash AG Grid runs
// valueFormatter functions in a scope without Intl, so they live here.
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

dagfuncs.formatNumber = function (value, tag, digits) {
    if (value === null || value === undefined || value === "") {
        return "";
    }
    return new Intl.NumberFormat(tag, {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
    }).format(value);
};

dagfuncs.formatPercent = function (value, tag) {
    if (value === null || value === undefined || value === "") {
        return "";
    }
    return new Intl.NumberFormat(tag, { style: "percent", maximumFractionDigits: 1 }).format(value);
};
