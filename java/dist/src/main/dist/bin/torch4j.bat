@echo off
rem torch4j launcher for Windows: finds Java 17+ (JAVA_HOME, then PATH), passes JAVA_OPTS and
rem TORCH4J_OPTS after the defaults (so they win), uses the class-data-sharing archive when present.
setlocal
set "TORCH4J_HOME=%~dp0.."
set "JAVACMD="
if defined JAVA_HOME if exist "%JAVA_HOME%\bin\java.exe" set "JAVACMD=%JAVA_HOME%\bin\java.exe"
if not defined JAVACMD (
  where java >nul 2>nul && set "JAVACMD=java"
)
if not defined JAVACMD (
  echo torch4j: no Java found: install Java 17 or newer, or set JAVA_HOME 1>&2
  exit /b 3
)
set "MAJOR="
for /f "tokens=3" %%v in ('"%JAVACMD%" -version 2^>^&1 ^| findstr /i "version"') do set "JV=%%~v"
for /f "delims=." %%m in ("%JV%") do set "MAJOR=%%m"
if "%MAJOR%"=="1" set "MAJOR=8"
if not defined MAJOR set "MAJOR=0"
if %MAJOR% LSS 17 (
  echo torch4j: needs Java 17 or newer, but %JAVACMD% is %JV%; set JAVA_HOME 1>&2
  exit /b 3
)
rem C1 alone starts fastest; --hash, diff and run stream every byte or call repeatedly and keep C2
rem (the SHA-256 intrinsic: a 400 MB pickle hashes in 1.0 s instead of 3.5 s). See bin/torch4j.
rem inspect without --hash: a young generation that holds its rows without a collection. See bin/torch4j.
set "COMPILER=-XX:TieredStopAtLevel=1"
set "YOUNG=-Xmn8m"
set "HASH="
for %%a in (%*) do (
  if /i "%%~a"=="--hash" set "COMPILER=-XX:TieredStopAtLevel=4"
  if /i "%%~a"=="--hash" set "HASH=1"
  if /i "%%~a"=="inspect" set "YOUNG=-Xmn48m"
  if /i "%%~a"=="diff" set "COMPILER=-XX:TieredStopAtLevel=4"
  if /i "%%~a"=="run" set "COMPILER=-XX:TieredStopAtLevel=4"
)
if defined HASH set "YOUNG=-Xmn8m"
rem The libtorch commands have an archive of their own where one was made (see bin/torch4j).
set "ARCHIVE=%TORCH4J_HOME%\lib\torch4j.jsa"
set "FIRST=%~1"
for %%c in (run export-mobile export-coreml info) do (
  if /i "%FIRST%"=="%%c" if exist "%TORCH4J_HOME%\lib\torch4j-libtorch.jsa" set "ARCHIVE=%TORCH4J_HOME%\lib\torch4j-libtorch.jsa"
)
set "CDS="
if exist "%ARCHIVE%" set "CDS=-XX:SharedArchiveFile=%ARCHIVE% -Xlog:cds=off -Xlog:cds+dynamic=off"
"%JAVACMD%" %COMPILER% -XX:+UseSerialGC %YOUNG% -XX:-UsePerfData -Xshare:auto --enable-native-access=ALL-UNNAMED %CDS% -Dtorch4j.home="%TORCH4J_HOME%" %JAVA_OPTS% %TORCH4J_OPTS% -cp "%TORCH4J_HOME%\lib\*" dev.torch4j.cli.Main %*
exit /b %ERRORLEVEL%
