#include "app.hpp"

int main(int argc, char** argv) {
    return guidetrack::cli::main_entry(argc, argv);
}
